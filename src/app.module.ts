import { Module } from '@nestjs/common';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { OrchestrationModule } from './orchestration/orchestration.module';

/** The application: configuration, the orchestration engine and health endpoints. */
@Module({
  imports: [ConfigModule, OrchestrationModule, HealthModule],
})
export class AppModule {}
