import { Module } from '@nestjs/common';
import { LlmModule } from '../llm/llm.module';
import { OrchestrationModule } from '../orchestration/orchestration.module';
import { CampaignEditingService } from './campaign-editing.service';
import { CampaignsService } from './campaigns.service';
import { RunEventBus } from './run-event-bus';
import { runEventBusProvider } from './run-event-bus.provider';
import { runQueueProvider } from './run-queue.provider';
import { RunEventsService } from './run-events.service';
import { RunExecutor } from './run-executor';
import { RunQueue } from './run-queue';
import { RunsService } from './runs.service';
import { TenantLimits } from './tenant-limits';

/** Run lifecycle, execution, live events and their replay, and campaigns, over the store and the orchestrator. */
@Module({
  imports: [OrchestrationModule, LlmModule],
  providers: [RunsService, RunExecutor, RunEventsService, runEventBusProvider, runQueueProvider, CampaignsService, CampaignEditingService, TenantLimits],
  exports: [RunsService, RunExecutor, RunEventsService, RunEventBus, RunQueue, CampaignsService, CampaignEditingService],
})
export class RunsModule {}
