/**
 * Scenario 1 child: one engine (ours, LangGraph.js, or the floor: Promise.all + an RxJS Subject)
 * runs the same graph (three generators in parallel, then an audit) over zero-latency agents.
 * `measure` reports CPU per run (process.cpuUsage, user + system, GC included) and runs/s, for a
 * given number of concurrent runs, bounded in count and time.
 */
import '../lib/alias';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Subject } from 'rxjs';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import type { ArtifactContentMap, AuditReport, OrchestrationRequest, Platform } from '@app/contracts';
import type { AgentContext, AuditInput, GenerationInput } from '../../src/agents/agent';
import { serve } from '../lib/child';
import { profiler } from '../lib/profiler';
import { fromDist, ROOT } from '../lib/paths';
import { ARTIFACT_TYPES, ZeroAgentSet } from './zero-agents';

type Impl = 'ours' | 'ours-core' | 'langgraph' | 'floor';

const agents = new ZeroAgentSet();
const { loadConfig } = fromDist<typeof import('../../src/config/load-config')>('src/config/load-config');
const config = loadConfig({ NODE_ENV: 'production', LLM_PROVIDER: 'offline', OFFLINE_LATENCY_MS: '0', ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}) });

const REQUEST: OrchestrationRequest = {
  campaignId: 'campaign-1',
  brief: { objective: 'Sell more cups', targetAudience: 'Commuters', productDetails: 'A reusable cup that keeps coffee hot.' },
  selectedPlatforms: ['x', 'linkedin'] as Platform[],
};
const CONTEXT: AgentContext = { runId: 'r', campaignId: 'campaign-1', signal: new AbortController().signal, timeoutMs: 30_000 };
const generationInput = (): GenerationInput => ({
  brief: REQUEST.brief,
  selectedPlatforms: REQUEST.selectedPlatforms,
  platformLimits: config.orchestration.platformLimits,
  attempt: 1,
});

/** Runs one orchestration and consumes its events as they stream. */
function oursRun(orchestrator: InstanceType<typeof import('../../src/orchestration/campaign-orchestrator.service').CampaignOrchestrator>): () => Promise<number> {
  return async () => {
    const execution = orchestrator.run(REQUEST);
    let events = 0;
    await new Promise<void>((resolve, reject) => execution.events$.subscribe({ next: () => void events++, complete: resolve, error: reject }));
    const result = await execution.result;
    if (result.status !== 'success') throw new Error(`ours: run ended ${result.status}`);
    return events;
  };
}

/**
 * Our engine as the server runs it: telemetry started first (as main.ts does), the orchestrator
 * built by Nest from the production modules (traced agent set, pino logs at the configured level,
 * one line per event, to stdout: this child's log file), with the LLM agent set replaced by the
 * zero-latency agents.
 */
async function oursShippedRunner(): Promise<() => Promise<number>> {
  const hasTelemetry = existsSync(join(ROOT, 'dist', 'src', 'telemetry', 'instrument.js'));
  // BENCH_NO_TELEMETRY=1 (diagnostic): no OpenTelemetry SDK; the pino logger stays (LOG_LEVEL applies).
  if (hasTelemetry && process.env.BENCH_NO_TELEMETRY !== '1') fromDist('src/telemetry/instrument');
  const { Test } = await import('@nestjs/testing');
  const { ConfigModule } = fromDist<typeof import('../../src/config/config.module')>('src/config/config.module');
  const { OrchestrationModule } = fromDist<typeof import('../../src/orchestration/orchestration.module')>('src/orchestration/orchestration.module');
  const { CampaignOrchestrator } = fromDist<typeof import('../../src/orchestration/campaign-orchestrator.service')>('src/orchestration/campaign-orchestrator.service');
  const { LlmAgentSet } = fromDist<typeof import('../../src/agents/agent-set')>('src/agents/agent-set');
  const imports: unknown[] = [ConfigModule.forRoot(config), OrchestrationModule];
  if (hasTelemetry) imports.push(fromDist<{ TelemetryModule: { forRoot(): unknown } }>('src/telemetry/telemetry.module').TelemetryModule.forRoot());
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] })
    .overrideProvider(LlmAgentSet)
    .useValue(agents)
    .compile();
  if (hasTelemetry) {
    const { Logger } = await import('nestjs-pino');
    moduleRef.useLogger(moduleRef.get(Logger));
  }
  await moduleRef.init();
  return oursRun(moduleRef.get(CampaignOrchestrator));
}

/** The engine alone: CampaignOrchestrator constructed directly, telemetry not started (no-op API), logs off. */
async function oursCoreRunner(): Promise<() => Promise<number>> {
  const { Logger } = await import('@nestjs/common');
  Logger.overrideLogger(false);
  const { CampaignOrchestrator } = fromDist<typeof import('../../src/orchestration/campaign-orchestrator.service')>('src/orchestration/campaign-orchestrator.service');
  const { RunRegistry } = fromDist<typeof import('../../src/orchestration/run-registry')>('src/orchestration/run-registry');
  return oursRun(new CampaignOrchestrator(agents as never, config, new RunRegistry()));
}

/** LangGraph.js: the same graph as a StateGraph, streamed with streamMode "updates". */
async function langgraphRunner(): Promise<() => Promise<number>> {
  const State = Annotation.Root({
    request: Annotation<OrchestrationRequest>(),
    artifacts: Annotation<Partial<ArtifactContentMap>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
    reports: Annotation<AuditReport[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const generatorNode = (type: (typeof ARTIFACT_TYPES)[number]) => async () => {
    const { output } = await agents.generator(type).execute(generationInput() as never, CONTEXT);
    return { artifacts: { [type]: output } };
  };
  const audit = async (state: typeof State.State) => {
    const input: AuditInput = {
      brief: state.request.brief,
      selectedPlatforms: state.request.selectedPlatforms,
      platformLimits: config.orchestration.platformLimits,
      weights: config.orchestration.auditWeights,
      subjects: ARTIFACT_TYPES.filter((t) => state.artifacts[t]).map((type) => ({ type, attempt: 1, content: state.artifacts[type]! })),
    };
    const { output } = await agents.audit.execute(input, CONTEXT);
    return { reports: output };
  };
  const graph = new StateGraph(State)
    .addNode('copy', generatorNode('copy'))
    .addNode('shortCopy', generatorNode('shortCopy'))
    .addNode('visualConcept', generatorNode('visualConcept'))
    .addNode('audit', audit)
    .addEdge(START, 'copy')
    .addEdge(START, 'shortCopy')
    .addEdge(START, 'visualConcept')
    .addEdge(['copy', 'shortCopy', 'visualConcept'], 'audit')
    .addEdge('audit', END)
    .compile();
  return async () => {
    let updates = 0;
    let reports = 0;
    for await (const update of await graph.stream({ request: REQUEST }, { streamMode: 'updates' })) {
      updates++;
      if ('audit' in update) reports = (update as { audit: { reports: AuditReport[] } }).audit.reports.length;
    }
    if (updates !== 4 || reports !== 3) throw new Error(`langgraph: ${updates} updates, ${reports} reports`);
    return updates;
  };
}

/** The floor: Promise.all over the generators, then the audit, announcing the same 11 events on an RxJS Subject. */
async function floorRunner(): Promise<() => Promise<number>> {
  return async () => {
    const events = new Subject<{ seq: number; state: string; timestamp: number }>();
    let received = 0;
    events.subscribe(() => void received++);
    let seq = 0;
    const emit = (state: string) => events.next({ seq: ++seq, state, timestamp: Date.now() });
    emit('Queued');
    const outputs = await Promise.all(
      ARTIFACT_TYPES.map(async (type) => {
        emit(`${type} started`);
        const { output } = await agents.generator(type).execute(generationInput() as never, CONTEXT);
        emit(`${type} completed`);
        return { type, attempt: 1, content: output };
      }),
    );
    emit('GenerationComplete');
    emit('Auditing started');
    const { output } = await agents.audit.execute(
      { brief: REQUEST.brief, selectedPlatforms: REQUEST.selectedPlatforms, platformLimits: config.orchestration.platformLimits, weights: config.orchestration.auditWeights, subjects: outputs as never },
      CONTEXT,
    );
    emit(`Auditing completed ${output.length}`);
    emit('Completed');
    events.complete();
    return received;
  };
}

const RUNNERS: Record<Impl, () => Promise<() => Promise<number>>> = { ours: oursShippedRunner, 'ours-core': oursCoreRunner, langgraph: langgraphRunner, floor: floorRunner };

/** Runs `runOne` with `concurrency` runs in flight until `maxRuns` have started or `maxMs` have passed. */
async function drive(runOne: () => Promise<number>, concurrency: number, maxRuns: number, maxMs: number) {
  let started = 0;
  let done = 0;
  let events = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const worker = async () => {
    while (started < maxRuns && performance.now() - t0 < maxMs) {
      started++;
      const emitted = await runOne();
      events += emitted;
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { runs: done, wallMs, cpuUsPerRun: (cpu.user + cpu.system) / done, runsPerSecond: (done / wallMs) * 1000, eventsPerRun: events / done };
}

let runOne: (() => Promise<number>) | undefined;

serve({
  async measure(args: { impl: Impl; concurrency: number; warmupRuns: number; warmupMs: number; maxRuns: number; maxMs: number; profileFile?: string }) {
    runOne ??= await RUNNERS[args.impl]();
    await drive(runOne, args.concurrency, args.warmupRuns, args.warmupMs);
    if (!args.profileFile) return drive(runOne, args.concurrency, args.maxRuns, args.maxMs);
    await profiler.start();
    try {
      return await drive(runOne, args.concurrency, args.maxRuns, args.maxMs);
    } finally {
      await profiler.stop({ file: args.profileFile });
    }
  },
});
