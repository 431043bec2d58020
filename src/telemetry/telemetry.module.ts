import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { LOG_OUTPUT, loggerParams, logOutput, type LogOutput } from './logging';
import { MetricsController } from './metrics.controller';
import { PinoRunLog, RunLog } from './run-log';

/**
 * Structured logs (nestjs-pino), the run log on the same output, and the Prometheus scrape
 * endpoint. Tracing starts earlier, in instrument.ts. Global, so the engine finds the run log.
 */
@Global()
@Module({})
export class TelemetryModule {
  /** @param logDestination where log lines go (tests capture them); stdout by default. */
  static forRoot(logDestination?: DestinationStream): DynamicModule {
    return {
      module: TelemetryModule,
      imports: [LoggerModule.forRootAsync({ inject: [LOG_OUTPUT], useFactory: (output: LogOutput) => loggerParams(output) })],
      providers: [
        { provide: LOG_OUTPUT, inject: [AppConfig], useFactory: (config: AppConfig) => logOutput(config, logDestination) },
        { provide: RunLog, inject: [LOG_OUTPUT], useFactory: (output: LogOutput) => new PinoRunLog(output) },
      ],
      exports: [LOG_OUTPUT, RunLog],
      controllers: [MetricsController],
    };
  }
}
