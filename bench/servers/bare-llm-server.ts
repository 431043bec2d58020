/**
 * The bare peer of scenario 3: a bare Socket.IO server (no Nest, no store, no engine, no
 * validation, no telemetry, no logs) on 127.0.0.1 that runs a campaign the way our server does,
 * with the real `openai` SDK against the test server at OPENAI_BASE_URL. On `run:start` it answers
 * `{ ok, runId }` at once, then emits `run:event`s to that socket, shaped like ours: Queued; the
 * three generators started together, each completed with its artifact as it comes; then
 * GenerationComplete, the audit started and completed, and Completed. Its requests are ours
 * (our prompts and strict output schemas, a signal and a deadline per call), so measured with the
 * same client routine as ours, it shows what this machine, socket.io and the SDK cost on their own.
 */
import '../lib/alias';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { Server, type Socket } from 'socket.io';
import { serve } from '../lib/child';
import { fromDist } from '../lib/paths';

/** The `run:start` payload as `runPayload` (bench/lib/sockets.ts) builds it. */
interface RunStart {
  campaign: { name: string; brief: Record<string, unknown> };
  selectedPlatforms: string[];
}

type Prompts = typeof import('../../src/agents/prompts');
type Schemas = typeof import('../../src/agents/output-schemas');
type LlmMessage = ReturnType<Prompts['auditMessages']>[number];

/** Our prompts, output schemas and default settings, from the production build: the peer's requests are ours, byte for byte. */
const { generationMessages, auditMessages } = fromDist<Prompts>('src/agents/prompts');
const schemas = fromDist<Schemas>('src/agents/output-schemas');
const { orchestration } = fromDist<typeof import('../../src/config/load-config')>('src/config/load-config').loadConfig({ NODE_ENV: 'production', LLM_PROVIDER: 'offline' });

interface Agent {
  type: 'copy' | 'shortCopy' | 'visualConcept' | 'audit';
  state: string;
  /** The output schema's name: the test server picks its answer (and delay) by it. */
  schema: string;
  /** The strict JSON schema sent with each request, built once (as our agents cache it). */
  jsonSchema: Record<string, unknown>;
}

const agent = (type: Agent['type'], state: string, schema: string, zod: Parameters<Schemas['toStrictJsonSchema']>[0]): Agent => ({ type, state, schema, jsonSchema: schemas.toStrictJsonSchema(zod) });
const GENERATORS: Agent[] = [
  agent('copy', 'GeneratingCopy', 'campaign_copy', schemas.copyOutputSchema),
  agent('shortCopy', 'GeneratingShortCopy', 'social_posts', schemas.shortCopyOutputSchema),
  agent('visualConcept', 'GeneratingVisual', 'poster_concepts', schemas.visualConceptOutputSchema),
];
const AUDIT = agent('audit', 'Auditing', 'audit_reports', schemas.auditJudgementSchema);

const llm = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'sk-bench-not-a-secret', maxRetries: 0 });

/** One non-streaming structured-output call, with a signal and a deadline as ours has; the parsed JSON answer. */
async function complete(agent: Agent, messages: LlmMessage[]): Promise<unknown> {
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), orchestration.agentTimeoutMs).unref();
  try {
    const completion = await llm.chat.completions.create(
      { model: 'bench', messages, response_format: { type: 'json_schema', json_schema: { name: agent.schema, schema: agent.jsonSchema, strict: true } } },
      { signal: controller.signal },
    );
    return JSON.parse(completion.choices[0]?.message?.content ?? 'null');
  } finally {
    clearTimeout(deadline);
  }
}

/** Runs one campaign: the three generators in parallel, then one audit; every step emitted to `socket`. */
async function run(socket: Socket, runId: string, { campaign, selectedPlatforms }: RunStart): Promise<void> {
  let seq = 0;
  const emit = (state: string, message: string, step: { agentType?: string; phase?: string; metadata?: Record<string, unknown> } = {}) =>
    socket.emit('run:event', { runId, seq: ++seq, state, attempt: 1, timestamp: new Date().toISOString(), message, ...step });
  emit('Queued', 'Run queued', { metadata: { executionMode: 'parallel', selectedPlatforms } });
  const brief = campaign.brief as never;
  const platforms = selectedPlatforms as never;
  try {
    const subjects = await Promise.all(
      GENERATORS.map(async (agent) => {
        emit(agent.state, `${agent.type} started`, { agentType: agent.type, phase: 'started' });
        const input = { brief, selectedPlatforms: platforms, platformLimits: orchestration.platformLimits, attempt: 1 };
        const content = await complete(agent, generationMessages(agent.type as never, input));
        emit(agent.state, `${agent.type} completed`, { agentType: agent.type, phase: 'completed', metadata: { content } });
        return { type: agent.type, attempt: 1, content };
      }),
    );
    emit('GenerationComplete', 'All artifacts generated', { metadata: { produced: GENERATORS.map((a) => a.type), failed: [] } });
    emit(AUDIT.state, 'audit started', { agentType: AUDIT.type, phase: 'started' });
    const input = { brief, selectedPlatforms: platforms, platformLimits: orchestration.platformLimits, weights: orchestration.auditWeights, subjects: subjects as never };
    await complete(AUDIT, auditMessages(input));
    emit(AUDIT.state, 'audit completed', { agentType: AUDIT.type, phase: 'completed' });
    emit('Completed', 'Run completed', { metadata: { resultStatus: 'Completed' } });
  } catch (error) {
    emit('Failed', error instanceof Error ? error.message : String(error), { metadata: { resultStatus: 'Failed' } });
  }
}

async function main(): Promise<void> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('run:start', (payload: RunStart, ack?: (answer: unknown) => void) => {
      const runId = randomUUID();
      if (typeof ack === 'function') ack({ ok: true, runId });
      void run(socket, runId, payload);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  serve(
    {
      connections() {
        return io.engine.clientsCount;
      },
    },
    { url: `http://127.0.0.1:${port}`, pid: process.pid },
    async () => {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
