import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
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
  /** @param config a ready configuration (tests); by default loaded from the environment. */
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule, AuthModule, OrchestrationModule, HttpModule, RealtimeModule, HealthModule],
    };
  }
}
