import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/load-config';
import { RunsService } from '../../src/runs/runs.service';
import { useMetricsExporter } from '../../src/telemetry/telemetry';
import { connectClient } from '../support/e2e-socket';
import { eventually, removeDir, runInput, tempDir } from '../support/e2e-app';
import { SCHEMA_NAMES, sampleAuditJudgement } from '../support/llm-fixtures';
import { reply } from '../support/openai-test-behaviours';
import { OpenAiTestServer } from '../support/openai-test-server';

const TOKEN = 'tok-secret-0123456789abcdef';
const API_KEY = 'sk-secret-llm-key-9876543210';
const schemaOf = (body: { response_format?: { json_schema?: { name: string } } } | undefined) => body?.response_format?.json_schema?.name;

/**
 * Traces, metrics and logs of real runs: an in-memory span exporter and a Prometheus reader are the
 * SDK's, the app is the real one (LLM over the OpenAI-compatible test server, SQLite store).
 */
describe('Telemetry of runs', () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const llm = new OpenAiTestServer();
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  const dataDir = tempDir();
  let app: NestExpressApplication;
  let baseUrl: string;

  beforeAll(async () => {
    tracerProvider.register();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [prometheus] }));
    useMetricsExporter(prometheus);
    await llm.start();
    const config = loadConfig({
      NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir, AUTH_TOKENS: `${TOKEN}:acme`,
      LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.openAiBaseUrl, OPENAI_API_KEY: API_KEY, LLM_MAX_RETRIES: '0',
    });
    app = await createApp(config, capture);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterEach(() => llm.reset());
  afterAll(async () => {
    await app?.close();
    await llm.stop();
    await tracerProvider.shutdown();
    trace.disable();
    metrics.disable();
    useMetricsExporter(undefined);
    removeDir(dataDir);
  });

  const rest = (method: string, path: string, json?: unknown) =>
    fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: json ? JSON.stringify(json) : undefined });
  const runSpan = (runId: string) => spans.getFinishedSpans().find((s) => s.name === 'orchestration.run' && s.attributes['run.id'] === runId);
  const childrenOf = (span: ReadableSpan) => spans.getFinishedSpans().filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId);
  /** The run's span once it and the children named `names` have ended. */
  const endedRunSpan = (runId: string, ...names: string[]) =>
    eventually(async () => {
      const run = runSpan(runId);
      return run && names.every((name) => childrenOf(run).some((s) => s.name === name)) ? run : undefined;
    }, `the spans of run ${runId}`);
  async function runToEnd(): Promise<string> {
    const socket = await connectClient(baseUrl, TOKEN);
    try {
      const { runId } = await socket.startOk(runInput());
      await socket.untilTerminal(runId);
      await endedRunSpan(runId, 'store.finishRun');
      return runId;
    } finally {
      socket.close();
    }
  }

  it('gives a parallel run one span with a child span per agent, audit and store write, and the run attributes', async () => {
    const runId = await runToEnd();
    const run = runSpan(runId)!;
    expect(run).toBeDefined();
    expect(run.attributes).toMatchObject({ 'run.id': runId, 'campaign.id': expect.any(String), 'execution.mode': 'parallel', outcome: expect.any(String) });
    const children = childrenOf(run);
    for (const agent of ['copy', 'shortCopy', 'visualConcept', 'audit']) {
      const span = children.find((s) => s.name === `agent.${agent}`);
      expect(span?.attributes).toMatchObject({ 'agent.type': agent, attempt: 1, 'run.id': runId, outcome: 'ok' });
      expect(span?.spanContext().traceId).toBe(run.spanContext().traceId);
    }
    const appends = children.filter((s) => s.name === 'store.appendEvents');
    expect(appends.length).toBeGreaterThanOrEqual(2);
    for (const append of appends) expect(append.attributes).toMatchObject({ 'db.operation': 'appendEvents', 'run.id': runId, outcome: 'ok' });
    expect(children.find((s) => s.name === 'store.finishRun')?.attributes).toMatchObject({ 'run.id': runId });
  });

  it('gives each compliance round of a run a span, child of the run span', async () => {
    // The copy fails its first audit (a critical flag), passes the second.
    const flagged = { ...sampleAuditJudgement(), reports: sampleAuditJudgement().reports.map((r) => (r.artifactType === 'copy' ? { ...r, flags: [{ category: 'compliance' as const, severity: 'critical' as const, description: 'Claims a price the brief does not state.', location: null }] } : r)) };
    llm.enqueue(...[1, 2, 3].map(() => reply.completion()), reply.completion({ content: JSON.stringify(flagged) }));
    const runId = await runToEnd();
    const run = runSpan(runId)!;

    const rounds = spans.getFinishedSpans().filter((s) => s.name === 'orchestration.compliance_attempt' && s.attributes['run.id'] === runId);
    expect(rounds.length).toBeGreaterThanOrEqual(1);
    expect(rounds[0].attributes).toMatchObject({ attempt: 2, 'artifact.types': expect.stringContaining('copy'), 'run.id': runId });
    for (const round of rounds) expect(round.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
  });

  it('parents the run span on the call that started it, so both share one trace', async () => {
    const caller = trace.getTracer('test').startSpan('client.call');
    const started = await trace.getTracer('test').startActiveSpan('client.call', (span) =>
      app.get(RunsService).start('acme', runInput()).finally(() => span.end()),
    );
    caller.end();
    const run = await endedRunSpan(started.runId);
    const call = spans.getFinishedSpans().find((s) => s.name === 'client.call' && s.spanContext().traceId === run.spanContext().traceId);
    expect(call).toBeDefined();
    expect(run.parentSpanContext?.spanId).toBe(call!.spanContext().spanId);
  });

  it('marks a failed agent span with its error code, and a cancelled run span as cancelled', async () => {
    llm.respondWith((exchange) => (schemaOf(exchange.request.body) === SCHEMA_NAMES.visualConcept ? reply.status(500) : reply.completion({ delayMs: 10_000 }))(exchange));
    const started = (await (await rest('POST', '/api/runs', runInput())).json()) as { runId: string };
    await llm.waitForRequest(3);
    await eventually(async () => spans.getFinishedSpans().find((s) => s.name === 'agent.visualConcept' && s.attributes['run.id'] === started.runId), 'the failed visual concept span');
    expect((await rest('POST', `/api/runs/${started.runId}/cancel`)).status).toBe(202);

    const run = await endedRunSpan(started.runId, 'agent.copy');
    expect(run.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Run cancelled' });
    expect(run.attributes).toMatchObject({ outcome: 'cancelled', 'error.code': 'CANCELLED' });
    const visual = childrenOf(run).find((s) => s.name === 'agent.visualConcept')!;
    expect(visual.status.code).toBe(SpanStatusCode.ERROR);
    expect(visual.attributes).toMatchObject({ 'error.code': 'LLM_UNAVAILABLE', outcome: 'error' });
    const copy = childrenOf(run).find((s) => s.name === 'agent.copy')!;
    expect(copy.attributes).toMatchObject({ 'error.code': 'CANCELLED', outcome: 'cancelled' });
  });

  it('exposes the run, agent, store, delivery and token metrics for Prometheus at /metrics', async () => {
    await runToEnd();
    const response = await fetch(`${baseUrl}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    // The sum of a histogram's counts over all its series.
    const count = (name: string) => [...text.matchAll(new RegExp(`^${name}_count\\{[^}]*\\} (\\d+)`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(count('orchestration_run_duration_seconds')).toBeGreaterThanOrEqual(1);
    expect(count('orchestration_run_time_to_first_artifact_seconds')).toBeGreaterThanOrEqual(1);
    expect(count('orchestration_run_generation_duration_seconds')).toBeGreaterThanOrEqual(1);
    expect(count('orchestration_run_audit_duration_seconds')).toBeGreaterThanOrEqual(1);
    expect(count('orchestration_agent_duration_seconds')).toBeGreaterThanOrEqual(1);
    expect(count('store_operation_duration_seconds')).toBeGreaterThanOrEqual(10);
    expect(count('realtime_event_delivery_lag_seconds')).toBeGreaterThanOrEqual(10);
    // Base units: every duration histogram is in seconds and says so; a run of the offline model takes well under a minute.
    const durations = [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]);
    expect(durations.length).toBeGreaterThanOrEqual(7);
    for (const name of durations) {
      expect(name).toMatch(/_seconds$|^http_server_request_duration$/);
      expect(text).toContain(`# UNIT ${name} s`);
    }
    const sum = Number(/^orchestration_run_duration_seconds_sum\{[^}]*\} (\S+)/m.exec(text)?.[1]);
    expect(sum / count('orchestration_run_duration_seconds')).toBeLessThan(60);
    expect(text).toMatch(/^orchestration_runs_total\{[^}]*status="(success|partialSuccess)"[^}]*\} \d+/m);
    expect(text).toMatch(/^orchestration_events_total\{[^}]*state="Queued"[^}]*\} \d+/m);
    expect(text).toMatch(/^llm_tokens_total\{[^}]*kind="prompt"[^}]*\} [1-9]/m);
    expect(text).toMatch(/^orchestration_runs_active\{[^}]*\} 0/m);
    expect(text).toMatch(/^realtime_sockets_connected\{[^}]*\} 0/m);
  });

  it('logs each API request once with its id, not probes or scrapes, and boots without a route warning', async () => {
    const before = lines.length;
    expect((await rest('GET', '/api/campaigns?page=1&pageSize=1')).status).toBe(200);
    expect((await fetch(`${baseUrl}/api/health/live`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(200);
    // A last logged request: once its line is written, the lines of the requests before it are too.
    expect((await rest('GET', '/api/campaigns?page=2&pageSize=1')).status).toBe(200);
    const urlOf = (line: Record<string, unknown>) => (line as { req?: { url?: string } }).req?.url;
    await eventually(async () => (lines.slice(before).some((l) => urlOf(l) === '/api/campaigns?page=2&pageSize=1') ? true : undefined), 'the last request line');

    const requests = lines.slice(before).filter((l) => (l as { req?: unknown }).req !== undefined).slice(0, -1);
    expect(requests).toEqual([expect.objectContaining({ msg: 'request completed', req: expect.objectContaining({ method: 'GET', url: '/api/campaigns?page=1&pageSize=1' }), res: expect.objectContaining({ statusCode: 200 }) })]);
    expect(lines.filter((l) => l.context === 'LegacyRouteConverter')).toEqual([]);
  });

  it('writes each state transition once, every line of a run with its runId and traceId, and no secret', async () => {
    const runId = await runToEnd();
    const run = runSpan(runId)!;
    const runLines = lines.filter((l) => l.runId === runId);
    const events = (await (await rest('GET', `/api/runs/${runId}/events`)).json()) as { seq: number }[];
    const transitions = runLines.filter((l) => l.context === 'Run');
    expect(transitions.map((l) => l.seq)).toEqual(events.map((e) => e.seq));
    // The run log binds the run's span, the same level and output as the app's, with the message as msg.
    for (const line of transitions) {
      expect(line).toMatchObject({ level: 30, spanId: run.spanContext().spanId, msg: expect.any(String), state: expect.any(String) });
    }
    for (const line of runLines) {
      expect(line).toMatchObject({ runId, campaignId: run.attributes['campaign.id'], traceId: run.spanContext().traceId, spanId: expect.any(String) });
    }
    expect(raw.length).toBeGreaterThan(0);
    const rawTransitions = raw.filter((line) => line.includes(`"runId":"${runId}"`) && line.includes('"context":"Run"'));
    expect(rawTransitions).toHaveLength(events.length);
    for (const line of rawTransitions) expect(line.split('"msg":')).toHaveLength(2);
    for (const line of raw) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(API_KEY);
    }
  });
});
