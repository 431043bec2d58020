import { Module } from '@nestjs/common';
import { OrchestrationModule } from '../orchestration/orchestration.module';
import { HealthController } from './health.controller';

/** Health endpoints under /api/health. */
@Module({ imports: [OrchestrationModule], controllers: [HealthController] })
export class HealthModule {}
