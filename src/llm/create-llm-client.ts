import type { LlmSettings } from '../config/app-config';
import { AzureOpenAiClient } from './adapters/azure-openai.client';
import { OfflineLlmClient } from './adapters/offline.client';
import { OpenAiCompatibleClient } from './adapters/openai-compatible.client';
import type { LlmClient } from './llm-client';

/** The adapter for the configured provider: Azure OpenAI, an OpenAI-compatible endpoint, or offline. */
export function createLlmClient(settings: LlmSettings): LlmClient {
  const options = { responseFormat: settings.responseFormat, stream: settings.stream, requestTimeoutMs: settings.requestTimeoutMs };
  switch (settings.provider) {
    case 'azure':
      if (!settings.azure) throw new Error('Azure OpenAI is selected but AZURE_OPENAI_ENDPOINT is not set');
      return new AzureOpenAiClient(settings.azure, options, settings.maxRetries);
    case 'openai':
      return new OpenAiCompatibleClient(settings.openai ?? { model: 'gpt-4o-mini' }, options, settings.maxRetries);
    case 'offline':
      return new OfflineLlmClient(settings.offlineLatencyMs);
  }
}
