/**
 * The bare peer of scenario 3: a bare Socket.IO server (no Nest, no store, no engine, no
 * validation, no telemetry, no logs) on 127.0.0.1 that runs a campaign the way our server does,
 * with the real `openai` SDK against the test server at OPENAI_BASE_URL. On `run:start` it answers
 * `{ ok, runId }` at once, then emits `run:event`s to that socket, shaped like ours: Queued; the
 * three generators started together, each completed with its artifact as it comes; then
 * GenerationComplete, the audit started and completed, and Completed. Measured with the same
 * client routine as ours, it shows what this machine, socket.io and the SDK cost on their own.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { Server, type Socket } from 'socket.io';
import { serve } from '../lib/child';

interface Agent {
  type: 'copy' | 'shortCopy' | 'visualConcept' | 'audit';
  state: string;
  /** The output schema's name: the test server picks its answer (and delay) by it. */
  schema: string;
  system: string;
}

/** The `run:start` payload as `runPayload` (bench/lib/sockets.ts) builds it. */
interface RunStart {
  campaign: { name: string; brief: Record<string, unknown> };
  selectedPlatforms: string[];
}

const RULES = 'Answer with one JSON object that follows the given schema, and nothing else. Write in the language of the brief and never invent claims it does not state.';

const GENERATORS: Agent[] = [
  {
    type: 'copy',
    state: 'GeneratingCopy',
    schema: 'campaign_copy',
    system: `You are a senior copywriter writing long-form campaign copy. Give at least 3 headlines of about 50-60 characters, body copy in three lengths (short, medium, long) and at least 3 calls to action. ${RULES}`,
  },
  {
    type: 'shortCopy',
    state: 'GeneratingShortCopy',
    schema: 'social_posts',
    system: `You are a social media copywriter. For each selected platform give at least 3 post variants within the platform's character limit, report characterCount truthfully and set overLimit when a post is too long. ${RULES}`,
  },
  {
    type: 'visualConcept',
    state: 'GeneratingVisual',
    schema: 'poster_concepts',
    system: `You are an art director describing poster concepts in words. Give at least 2 concepts, each with a name, description, mood words, a palette of #RRGGBB colours, a layout and alt text. ${RULES}`,
  },
];

const AUDIT: Agent = {
  type: 'audit',
  state: 'Auditing',
  schema: 'audit_reports',
  system: `You are a brand compliance auditor. Score each artifact 0-100 on toneConsistency, clarity, compliance, accessibility and risk, flag each concrete problem with a category, a severity, a description and its location, and give recommendations. ${RULES}`,
};

const llm = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'sk-bench-not-a-secret', maxRetries: 0 });

/** One non-streaming structured-output call; the parsed JSON answer. */
async function complete(agent: Agent, user: string): Promise<unknown> {
  const completion = await llm.chat.completions.create({
    model: 'bench',
    messages: [
      { role: 'system', content: agent.system },
      { role: 'user', content: user },
    ],
    response_format: { type: 'json_schema', json_schema: { name: agent.schema, schema: { type: 'object' } } },
  });
  return JSON.parse(completion.choices[0]?.message?.content ?? 'null');
}

/** Runs one campaign: the three generators in parallel, then one audit; every step emitted to `socket`. */
async function run(socket: Socket, runId: string, { campaign, selectedPlatforms }: RunStart): Promise<void> {
  let seq = 0;
  const emit = (state: string, message: string, step: { agentType?: string; phase?: string; metadata?: Record<string, unknown> } = {}) =>
    socket.emit('run:event', { runId, seq: ++seq, state, attempt: 1, timestamp: new Date().toISOString(), message, ...step });
  emit('Queued', 'Run queued', { metadata: { executionMode: 'parallel', selectedPlatforms } });
  const brief = JSON.stringify(campaign.brief);
  try {
    const prompt = `Campaign brief:\n${brief}\n\nSelected platforms: ${selectedPlatforms.join(', ')}.`;
    const artifacts = await Promise.all(
      GENERATORS.map(async (agent) => {
        emit(agent.state, `${agent.type} started`, { agentType: agent.type, phase: 'started' });
        const content = await complete(agent, prompt);
        emit(agent.state, `${agent.type} completed`, { agentType: agent.type, phase: 'completed', metadata: { content } });
        return { artifactType: agent.type, content };
      }),
    );
    emit('GenerationComplete', 'All artifacts generated', { metadata: { produced: GENERATORS.map((a) => a.type), failed: [] } });
    emit(AUDIT.state, 'audit started', { agentType: AUDIT.type, phase: 'started' });
    await complete(AUDIT, `Campaign brief:\n${brief}\n\nArtifacts to audit:\n${JSON.stringify(artifacts)}`);
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
