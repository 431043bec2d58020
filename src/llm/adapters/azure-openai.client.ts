import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
import { AzureOpenAI } from 'openai';
import type { AzureOpenAiSettings } from '../../config/app-config';
import { OpenAiChatClient, OpenAiChatOptions } from './openai-chat.client';

/** Scope of Azure OpenAI for Entra ID tokens. */
export const AZURE_COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';

/**
 * Azure OpenAI through the SDK's `AzureOpenAI`: with an API key when one is configured,
 * otherwise keyless with `DefaultAzureCredential` (managed identity, workload identity, az login).
 */
export class AzureOpenAiClient extends OpenAiChatClient {
  readonly name = 'azure-openai';

  constructor(settings: AzureOpenAiSettings, options: Omit<OpenAiChatOptions, 'model'>, maxRetries: number) {
    const client = new AzureOpenAI({
      endpoint: settings.endpoint,
      deployment: settings.deployment,
      apiVersion: settings.apiVersion,
      maxRetries,
      ...(settings.apiKey
        ? { apiKey: settings.apiKey }
        : { azureADTokenProvider: getBearerTokenProvider(new DefaultAzureCredential(), AZURE_COGNITIVE_SCOPE) }),
    });
    super(client, { ...options, model: settings.deployment });
  }
}
