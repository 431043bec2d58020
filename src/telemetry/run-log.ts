import { Logger } from '@nestjs/common';
import { isSpanContextValid, type SpanContext } from '@opentelemetry/api';
import { pino, type Logger as PinoLogger } from 'pino';
import type { LogOutput } from './logging';
import type { RunLogContext } from './tracing';

/** Writes the line of one state transition of a run: its fields, with the message as `msg`. */
export type TransitionLog = (line: Record<string, unknown>) => void;

/**
 * The log of runs' state transitions (context `Run`): one line per event. This default writes
 * through Nest's logger (the CLI, direct use of the engine), so a line carries the run's ids only
 * when the app logger adds them (nestjs-pino's mixin does); the server uses `PinoRunLog`.
 */
export class RunLog {
  private static readonly logger = new Logger('Run');
  private static readonly write: TransitionLog = (line) => RunLog.logger.log(line);

  /** The transition log of one run; `span` is the run's span. */
  forRun(_run: RunLogContext, _span?: SpanContext): TransitionLog {
    return RunLog.write;
  }
}

/**
 * The server's run log: a pino logger on the same output as the app's, with each run's ids (run,
 * trace, run span) bound once in a child, which pino serialises once rather than on every line,
 * and without the app logger's mixin, which would look the same ids up again. Lines otherwise
 * look like the app's.
 */
export class PinoRunLog extends RunLog {
  private readonly root: PinoLogger;

  constructor(output: LogOutput) {
    super();
    this.root = pino({ level: output.level }, output.stream);
  }

  override forRun(run: RunLogContext, span?: SpanContext): TransitionLog {
    const bindings: Record<string, string> = { context: 'Run', runId: run.runId, campaignId: run.campaignId };
    if (span && isSpanContextValid(span)) Object.assign(bindings, { traceId: span.traceId, spanId: span.spanId });
    const child = this.root.child(bindings);
    return (line) => child.info(line);
  }
}
