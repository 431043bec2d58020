import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { CampaignOrchestrator } from './campaign-orchestrator.service';
import { RunRegistry } from './run-registry';

/** The orchestration engine: `CampaignOrchestrator` and the registry of executing runs. */
@Module({
  imports: [AgentsModule],
  providers: [CampaignOrchestrator, RunRegistry],
  exports: [CampaignOrchestrator, RunRegistry],
})
export class OrchestrationModule {}
