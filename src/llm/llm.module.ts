import { Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { createLlmClient } from './create-llm-client';
import { ALWAYS_AVAILABLE, BreakerLlmClient, LlmAvailability } from './llm-breaker';
import { LlmClient } from './llm-client';

/**
 * Provides the `LlmClient` port, bound to the adapter the configuration selects; an HTTP adapter
 * behind a circuit breaker (`LLM_BREAKER_FAILURES` > 0), whose state is `LlmAvailability`.
 */
@Module({
  providers: [
    {
      provide: LlmClient,
      inject: [AppConfig],
      useFactory: ({ llm }: AppConfig) => {
        const client = createLlmClient(llm);
        return llm.provider === 'offline' || llm.breaker.failures === 0 ? client : new BreakerLlmClient(client, llm.breaker);
      },
    },
    { provide: LlmAvailability, inject: [LlmClient], useFactory: (client: LlmClient) => (client instanceof BreakerLlmClient ? client : ALWAYS_AVAILABLE) },
  ],
  exports: [LlmClient, LlmAvailability],
})
export class LlmModule implements OnApplicationShutdown {
  constructor(private readonly client: LlmClient) {}

  onApplicationShutdown(): void {
    if (this.client instanceof BreakerLlmClient) this.client.close();
  }
}
