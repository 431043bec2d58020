import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { loggerParams } from './logging';
import { MetricsController } from './metrics.controller';

/** Structured logs (nestjs-pino) and the Prometheus scrape endpoint. Tracing starts earlier, in instrument.ts. */
@Module({})
export class TelemetryModule {
  /** @param logDestination where log lines go (tests capture them); stdout by default. */
  static forRoot(logDestination?: DestinationStream): DynamicModule {
    return {
      module: TelemetryModule,
      imports: [LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => loggerParams(config, logDestination) })],
      controllers: [MetricsController],
    };
  }
}
