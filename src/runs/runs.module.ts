import { Module } from '@nestjs/common';
import { OrchestrationModule } from '../orchestration/orchestration.module';
import { CampaignsService } from './campaigns.service';
import { RunEventBus } from './run-event-bus';
import { runEventBusProvider } from './run-event-bus.provider';
import { RunEventsService } from './run-events.service';
import { RunExecutor } from './run-executor';
import { RunsService } from './runs.service';

/** Run lifecycle, execution, live events and their replay, and campaigns, over the store and the orchestrator. */
@Module({
  imports: [OrchestrationModule],
  providers: [RunsService, RunExecutor, RunEventsService, runEventBusProvider, CampaignsService],
  exports: [RunsService, RunExecutor, RunEventsService, RunEventBus, CampaignsService],
})
export class RunsModule {}
