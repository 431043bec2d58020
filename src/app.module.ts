import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { AppConfig } from './config/app-config';
import { TelemetryModule } from './telemetry/telemetry.module';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { HttpModule } from './http/http.module';
import { OrchestrationModule } from './orchestration/orchestration.module';
import { PersistenceModule } from './persistence/persistence.module';
import { RealtimeModule } from './realtime/realtime.module';

/** The application: configuration, store, engine, run lifecycle, REST, Socket.IO and health. */
@Module({})
export class AppModule {
  /**
   * @param config a ready configuration (tests); by default loaded from the environment.
   * @param logDestination where log lines go (tests capture them); stdout by default.
   */
  static forRoot(config?: AppConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), TelemetryModule.forRoot(logDestination), PersistenceModule, AuthModule, OrchestrationModule, HttpModule, RealtimeModule, HealthModule],
    };
  }
}
