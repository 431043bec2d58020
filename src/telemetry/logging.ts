import { RequestMethod } from '@nestjs/common';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Params } from 'nestjs-pino';
import { destination as pinoDestination, transport as pinoTransport, type DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { activeRun } from './tracing';

/**
 * Paths pino replaces with `[Redacted]`: credentials never reach a log line. Explicit paths only:
 * wildcards would make pino walk every line, one per run event.
 */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["api-key"]', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'];

/** Query parameters whose values are credentials, or may be: a token put in the URL by a careless client. */
const SECRET_PARAMETER = /token|key|secret|password|passwd|auth|sig|code|credential/i;

/** `url` with the values of its credential-like query parameters replaced by `[Redacted]`. */
export function redactedUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const pairs = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = decodeName(equals < 0 ? pair : pair.slice(0, equals));
      return equals >= 0 && SECRET_PARAMETER.test(name) ? `${pair.slice(0, equals)}=[Redacted]` : pair;
    });
  return `${url.slice(0, query)}?${pairs.join('&')}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** The query object with the same values redacted. */
function redactedQuery(query: unknown): unknown {
  if (!query || typeof query !== 'object') return query;
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name, SECRET_PARAMETER.test(name) ? '[Redacted]' : value]));
}

/** The request as pino-http logs it (its standard serializer's output), without credentials in its URL. */
function requestWithoutSecrets(req: { url?: string; query?: unknown }): unknown {
  if (typeof req.url === 'string') req.url = redactedUrl(req.url);
  if ('query' in req) req.query = redactedQuery(req.query);
  return req;
}

/** The run, trace and span of the active context, on every log line written inside a run or a request. */
export function logContext(): Record<string, string> {
  const fields: Record<string, string> = {};
  const run = activeRun();
  if (run) Object.assign(fields, { runId: run.runId, campaignId: run.campaignId });
  const span = trace.getSpan(context.active())?.spanContext();
  if (span && isSpanContextValid(span)) Object.assign(fields, { traceId: span.traceId, spanId: span.spanId });
  return fields;
}

/** Where the server's log lines go and from which level: shared by the app logger and the run log. */
export interface LogOutput {
  readonly level: string;
  readonly stream: DestinationStream;
}

/** Injection token of the `LogOutput`. */
export const LOG_OUTPUT = Symbol('LOG_OUTPUT');

/**
 * The log output: `destination` when given (tests capture lines), pino-pretty in development, and
 * otherwise standard output as pino writes it by default (asynchronous, flushed at exit), except
 * that each write is at most 4 KiB: pino's writer measures the pending chunk on every line
 * (`maxWrite`, 16 KiB by default), which cost about a tenth of the CPU of a busy run.
 */
export function logOutput(config: AppConfig, destination?: DestinationStream): LogOutput {
  const level = config.telemetry.logLevel;
  if (destination) return { level, stream: destination };
  if (config.nodeEnv === 'development') {
    return { level, stream: pinoTransport({ target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }) };
  }
  return { level, stream: pinoDestination({ dest: 1, sync: false, maxWrite: 4096 }) };
}

/**
 * Structured JSON logs through nestjs-pino, with request logging except for probes and scrapes,
 * and the run and trace context on every line.
 */
export function loggerParams(output: LogOutput): Params {
  return {
    pinoHttp: {
      // Lines logged while serving a request carry its id, not the whole request.
      quietReqLogger: true,
      level: output.level,
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      serializers: { req: requestWithoutSecrets },
      mixin: logContext,
      autoLogging: { ignore: (req) => /^\/(api\/health|metrics)/.test(req.url ?? '') },
      stream: output.stream,
    },
    // Every route, in the path syntax of Nest 11 (nestjs-pino's default `*` draws a deprecation warning at boot).
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
  };
}
