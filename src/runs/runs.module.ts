import { Module } from '@nestjs/common';
import { OrchestrationModule } from '../orchestration/orchestration.module';
import { CampaignsService } from './campaigns.service';
import { RunEventBus } from './run-event-bus';
import { RunEventsService } from './run-events.service';
import { RunsService } from './runs.service';

/** Run lifecycle, event replay and campaigns, over the store and the orchestrator. */
@Module({
  imports: [OrchestrationModule],
  providers: [RunsService, RunEventsService, RunEventBus, CampaignsService],
  exports: [RunsService, RunEventsService, CampaignsService],
})
export class RunsModule {}
