import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { RunsModule } from '../runs/runs.module';
import { CampaignEditingController } from './campaign-editing.controller';
import { CampaignsController } from './campaigns.controller';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RunsController } from './runs.controller';

/** The REST API under /api, with RFC 9457 problem details for every error. */
@Module({
  imports: [RunsModule],
  controllers: [CampaignsController, CampaignEditingController, RunsController],
  providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
})
export class HttpModule {}
