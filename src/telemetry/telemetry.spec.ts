import { Writable } from 'node:stream';
import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { logContext } from './logging';
import { PinoRunLog } from './run-log';
import { samplerWithoutExporter } from './telemetry';
import { startRunSpan } from './tracing';

describe('telemetry without an exporter', () => {
  const provider = new NodeTracerProvider({ sampler: samplerWithoutExporter() });

  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('records no span, yet gives each its ids, which the logs of a run carry', () => {
    const { span, context: runContext } = startRunSpan({ runId: 'run-1', campaignId: 'campaign-1', executionMode: 'parallel' });
    const ids = span.spanContext();

    expect(span.isRecording()).toBe(false);
    expect(isSpanContextValid(ids)).toBe(true);
    expect(context.with(runContext, logContext)).toEqual({ runId: 'run-1', campaignId: 'campaign-1', traceId: ids.traceId, spanId: ids.spanId });
    const child = context.with(runContext, () => trace.getTracer('test').startSpan('agent'));
    expect(child.spanContext().traceId).toBe(ids.traceId);
    expect(child.spanContext().spanId).not.toBe(ids.spanId);
  });

  it('writes the transitions of a run with its run and trace ids', () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const { span } = startRunSpan({ runId: 'run-2', campaignId: 'campaign-2', executionMode: 'sequential' });

    new PinoRunLog({ level: 'info', stream }).forRun({ runId: 'run-2', campaignId: 'campaign-2' }, span.spanContext())({ seq: 1, state: 'Queued', msg: 'Run queued' });

    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 30, context: 'Run', runId: 'run-2', campaignId: 'campaign-2', traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, seq: 1, state: 'Queued', msg: 'Run queued' }),
    ]);
  });

  it('writes nothing below its level', () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    new PinoRunLog({ level: 'warn', stream }).forRun({ runId: 'run-3', campaignId: 'campaign-3' })({ seq: 1, msg: 'Run queued' });
    expect(lines).toEqual([]);
  });
});
