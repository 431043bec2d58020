import { Module } from '@nestjs/common';
import { ConfigModule } from './config/config.module';
import { OrchestrationModule } from './orchestration/orchestration.module';

/** The application: configuration and the orchestration engine. */
@Module({
  imports: [ConfigModule, OrchestrationModule],
})
export class AppModule {}
