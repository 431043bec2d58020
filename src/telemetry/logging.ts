import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Params } from 'nestjs-pino';
import { destination as pinoDestination, type DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { activeRun } from './tracing';

/**
 * Paths pino replaces with `[Redacted]`: credentials never reach a log line. Explicit paths only:
 * wildcards would make pino walk every line, one per run event.
 */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["api-key"]', 'res.headers["set-cookie"]'];

/** The run, trace and span of the active context, on every log line written inside a run or a request. */
export function logContext(): Record<string, string> {
  const fields: Record<string, string> = {};
  const run = activeRun();
  if (run) Object.assign(fields, { runId: run.runId, campaignId: run.campaignId });
  const span = trace.getSpan(context.active())?.spanContext();
  if (span && isSpanContextValid(span)) Object.assign(fields, { traceId: span.traceId, spanId: span.spanId });
  return fields;
}

/**
 * Standard output as pino writes it by default (asynchronous, flushed at exit), except that each
 * write is at most 4 KiB: pino's writer measures the pending chunk on every line (`maxWrite`, 16 KiB
 * by default), which cost about a tenth of the CPU of a busy run (one line per state transition).
 */
function stdoutDestination(): DestinationStream {
  return pinoDestination({ dest: 1, sync: false, maxWrite: 4096 });
}

/**
 * Structured JSON logs through nestjs-pino (pretty in development), with request logging except
 * for probes and scrapes, and the run and trace context on every line.
 * @param destination where lines go (tests capture them); stdout by default.
 */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  const pretty = config.nodeEnv === 'development' && !destination;
  return {
    pinoHttp: {
      // Lines logged while serving a request carry its id, not the whole request.
      quietReqLogger: true,
      level: config.telemetry.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      mixin: logContext,
      autoLogging: { ignore: (req) => /^\/(api\/health|metrics)/.test(req.url ?? '') },
      ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
      ...(destination ? { stream: destination } : pretty ? {} : { stream: stdoutDestination() }),
    },
  };
}
