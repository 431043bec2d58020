import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { DEFAULT_PLATFORM_LIMITS, type OrchestrationEvent, type OrchestrationRequest } from '@app/contracts';
import { ConfigModule } from '../../src/config/config.module';
import { OrchestrationModule } from '../../src/orchestration/orchestration.module';
import { loadConfig } from '../../src/config/load-config';
import { offlineCopy, offlineMistakes, offlineShortCopy, offlineVisualConcept } from '../../src/llm/adapters/offline-content';
import { CampaignOrchestrator } from '../../src/orchestration/campaign-orchestrator.service';
import { RunRegistry } from '../../src/orchestration/run-registry';
import { expectValidStream, trace } from '../../src/orchestration/testing/fake-agents';
import { collect, when } from '../../src/orchestration/testing/orchestrator-harness';
import { SAMPLE_BRIEF, SCHEMA_NAMES, sampleAuditJudgement } from '../support/llm-fixtures';
import { reply } from '../support/openai-test-behaviours';
import { type Behaviour, OpenAiTestServer } from '../support/openai-test-server';

/** Boots the real application graph (config, LLM client, agents, orchestrator) with `env`. */
async function boot(env: Record<string, string>): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(loadConfig({ NODE_ENV: 'test', ...env })), OrchestrationModule] }).compile();
  return moduleRef.init();
}

const request = (overrides: Partial<OrchestrationRequest> = {}): OrchestrationRequest => ({
  campaignId: 'campaign-int',
  brief: SAMPLE_BRIEF,
  selectedPlatforms: [...PLATFORMS],
  ...overrides,
});

const PLATFORMS = ['x', 'instagram', 'linkedin'] as const;

/** Answers as a model that makes no mistake would: the offline generators on a regeneration of their own first version. */
function cleanAnswer(schemaName: string | undefined): string {
  const first = { brief: SAMPLE_BRIEF, selectedPlatforms: [...PLATFORMS], platformLimits: { ...DEFAULT_PLATFORM_LIMITS }, attempt: 1 };
  const feedback = { verdict: 'fail' as const, weightedScore: 0, flags: [], recommendations: [] };
  const regeneration = <C>(content: C) => ({ ...first, attempt: 2, previous: { content, feedback } });
  switch (schemaName) {
    case SCHEMA_NAMES.copy:
      return JSON.stringify(offlineCopy(regeneration(offlineCopy(first))));
    case SCHEMA_NAMES.shortCopy:
      return JSON.stringify(offlineShortCopy(regeneration(offlineShortCopy(first))));
    case SCHEMA_NAMES.visualConcept:
      return JSON.stringify(offlineVisualConcept(regeneration(offlineVisualConcept(first))));
    default:
      return JSON.stringify(sampleAuditJudgement());
  }
}

const clean = (options: { delayMs?: number } = {}): Behaviour => (exchange) =>
  reply.completion({ ...options, content: cleanAnswer(schemaOf(exchange.request.body)) })(exchange);

const schemaOf = (body: { response_format?: { json_schema?: { name: string } } } | undefined) => body?.response_format?.json_schema?.name;

describe('Orchestration over the offline model', () => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await boot({ OFFLINE_LATENCY_MS: '0-5' });
  });
  afterAll(() => app.close());

  /** A brief on which the offline model, on its first attempt, writes an over-limit post. */
  const erringBrief = () => {
    for (let i = 0; i < 100; i++) {
      const brief = { ...SAMPLE_BRIEF, objective: `${SAMPLE_BRIEF.objective} (variant ${i})` };
      if (offlineMistakes(brief, ['x', 'linkedin'], { x: 280, threads: 500, instagram: 2200, linkedin: 3000, facebook: 63206 }).overLimitPost) return brief;
    }
    throw new Error('no erring brief found');
  };

  it.each(['parallel', 'sequential'] as const)('runs all four agents in %s mode and the audit loop corrects the mistake', async (executionMode) => {
    const orchestrator = app.get(CampaignOrchestrator);
    const { events, result } = await collect(orchestrator.run(request({ brief: erringBrief(), selectedPlatforms: ['x', 'linkedin'], executionMode })));

    expectValidStream(events);
    expect(events.find((e) => e.state === 'GeneratingShortCopy' && e.attempt === 2 && e.phase === 'started')).toBeDefined();
    expect(result.auditReports.filter((r) => r.artifactType === 'shortCopy').map((r) => r.verdict)).toEqual(['fail', 'pass']);
    expect(result.auditReports[0].basis).toBe('rules');
    expect(result.status).toBe('success');
    expect(events.at(-1)!.state).toBe('Completed');
    const x = result.artifacts.shortCopy!.content.platforms.find((p) => p.platform === 'x')!;
    expect(x.variants.every((v) => v.characterCount <= 280 && !v.overLimit)).toBe(true);
  });
});

describe('Orchestration over an OpenAI-compatible endpoint', () => {
  const server = new OpenAiTestServer();
  let app: INestApplicationContext;

  beforeAll(async () => {
    await server.start();
    app = await boot({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: server.openAiBaseUrl, OPENAI_API_KEY: 'test-key', LLM_MAX_RETRIES: '1' });
  });
  beforeEach(() => server.respondWith(clean()));
  afterEach(() => server.reset());
  afterAll(async () => {
    await app.close();
    await server.stop();
  });

  it('runs a full parallel run through the real SDK, combining rules and the model in the audit', async () => {
    const { events, result } = await collect(app.get(CampaignOrchestrator).run(request()));

    expectValidStream(events);
    expect(server.requests.map((r) => schemaOf(r.body)).sort()).toEqual(['audit_reports', 'campaign_copy', 'poster_concepts', 'social_posts']);
    expect(result.auditReports.every((r) => r.basis === 'rules+model')).toBe(true);
    expect(result.auditReports.find((r) => r.artifactType === 'copy')?.flags.some((f) => f.id === 'llm:0')).toBe(true);
    expect(result.metrics.tokens.total).toBeGreaterThan(0);
    expect(Object.keys(result.artifacts).sort()).toEqual(['copy', 'shortCopy', 'visualConcept']);
    expect(result.status).toBe('success');
  });

  it('regenerates what the model fails with its findings as feedback', async () => {
    const judgement = sampleAuditJudgement();
    judgement.reports[0].flags = [{ category: 'risk', severity: 'critical', description: 'Claims a six-hour guarantee', location: 'bodyCopy.long' }];
    judgement.reports[0].recommendations = [{ text: 'Remove the guarantee claim', priority: 'high', flagIndex: 0 }];
    let audits = 0;
    server.respondWith((exchange) => {
      const first = schemaOf(exchange.request.body) === SCHEMA_NAMES.audit && ++audits === 1;
      return (first ? reply.completion({ content: JSON.stringify(judgement) }) : clean())(exchange);
    });
    const { events, result } = await collect(app.get(CampaignOrchestrator).run(request()));

    expectValidStream(events);
    expect(trace(events)).toContain('GeneratingCopy/copy/started/2');
    const regeneration = server.requests.filter((r) => schemaOf(r.body) === SCHEMA_NAMES.copy)[1];
    expect(regeneration.body?.messages?.at(-1)?.content).toContain('Remove the guarantee claim');
    expect(result.artifacts.copy?.attempt).toBe(2);
    expect(result.status).toBe('success');
  });

  it('isolates an agent whose endpoint keeps failing: PartiallyCompleted with its error', async () => {
    server.respondWith((exchange) =>
      (schemaOf(exchange.request.body) === SCHEMA_NAMES.visualConcept ? reply.status(500) : clean())(exchange),
    );
    const { events, result } = await collect(app.get(CampaignOrchestrator).run(request()));

    expectValidStream(events);
    expect(events.at(-1)!.state).toBe('PartiallyCompleted');
    expect(result.errors).toEqual([expect.objectContaining({ agentType: 'visualConcept', code: 'LLM_UNAVAILABLE' })]);
    expect(server.requests.filter((r) => schemaOf(r.body) === SCHEMA_NAMES.visualConcept)).toHaveLength(2);
  });

  it('cancel closes every in-flight HTTP request at once and returns the partial result', async () => {
    server.respondWith((exchange) =>
      (schemaOf(exchange.request.body) === SCHEMA_NAMES.shortCopy ? clean() : clean({ delayMs: 10_000 }))(exchange),
    );
    const execution = app.get(CampaignOrchestrator).run(request());
    const events: OrchestrationEvent[] = [];
    execution.events$.subscribe((e) => events.push(e));
    await server.waitForRequest(3);
    await when(execution, (e) => e.state === 'GeneratingShortCopy' && e.phase === 'completed');
    const cancelledAt = performance.now();
    app.get(RunRegistry).cancel(execution.runId);
    const closedAt = await server.waitForClientAbort(2);
    const result = await execution.result;

    expect(closedAt - cancelledAt).toBeLessThan(200);
    expect(events.at(-1)!.state).toBe('Cancelled');
    expectValidStream(events);
    expect(result.status).toBe('cancelled');
    expect(Object.keys(result.artifacts)).toEqual(['shortCopy']);
    expect(server.requests).toHaveLength(3);
  });
});
