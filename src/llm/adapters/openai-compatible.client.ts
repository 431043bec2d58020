import OpenAI from 'openai';
import type { OpenAiCompatibleSettings } from '../../config/app-config';
import { OpenAiChatClient, OpenAiChatOptions } from './openai-chat.client';

/**
 * Any OpenAI-compatible chat endpoint (OpenAI itself, or a local model server such as vLLM,
 * Ollama or LM Studio through `baseURL`).
 */
export class OpenAiCompatibleClient extends OpenAiChatClient {
  readonly name = 'openai-compatible';

  constructor(settings: OpenAiCompatibleSettings, options: Omit<OpenAiChatOptions, 'model'>, maxRetries: number) {
    // Local model servers usually ignore the key, but the SDK insists on one.
    const client = new OpenAI({ baseURL: settings.baseURL, apiKey: settings.apiKey ?? 'no-key', maxRetries });
    super(client, { ...options, model: settings.model });
  }
}
