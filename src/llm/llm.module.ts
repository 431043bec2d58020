import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { createLlmClient } from './create-llm-client';
import { LlmClient } from './llm-client';

/** Provides the `LlmClient` port, bound to the adapter the configuration selects. */
@Module({
  providers: [{ provide: LlmClient, inject: [AppConfig], useFactory: (config: AppConfig) => createLlmClient(config.llm) }],
  exports: [LlmClient],
})
export class LlmModule {}
