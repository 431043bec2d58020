import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { RunSubscriptions } from './run-subscriptions.service';
import { RunsGateway } from './runs.gateway';

/** The Socket.IO gateway and the run subscriptions of its sockets. */
@Module({ imports: [RunsModule], providers: [RunsGateway, RunSubscriptions] })
export class RealtimeModule {}
