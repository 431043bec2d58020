import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LlmModule } from '../llm/llm.module';
import { RunsModule } from '../runs/runs.module';
import { HealthController } from './health.controller';

/** Health endpoints under /api/health (@nestjs/terminus). */
@Module({ imports: [TerminusModule.forRoot({ logger: false }), RunsModule, LlmModule], controllers: [HealthController] })
export class HealthModule {}
