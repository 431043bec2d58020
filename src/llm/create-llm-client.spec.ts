import { loadConfig } from '../config/load-config';
import { AzureOpenAiClient } from './adapters/azure-openai.client';
import { OfflineLlmClient } from './adapters/offline.client';
import { OpenAiCompatibleClient } from './adapters/openai-compatible.client';
import { createLlmClient } from './create-llm-client';

describe(createLlmClient.name, () => {
  it('serves offline when nothing is configured', () => {
    const client = createLlmClient(loadConfig({}).llm);
    expect(client).toBeInstanceOf(OfflineLlmClient);
    expect(client.judges).toBe(false);
  });

  it('uses Azure OpenAI with a key, and keyless with Entra ID', () => {
    const withKey = createLlmClient(loadConfig({ AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com', AZURE_OPENAI_API_KEY: 'k' }).llm);
    const keyless = createLlmClient(loadConfig({ AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com' }).llm);
    expect(withKey).toBeInstanceOf(AzureOpenAiClient);
    expect(keyless).toBeInstanceOf(AzureOpenAiClient);
    expect(keyless.name).toBe('azure-openai');
  });

  it('uses an OpenAI-compatible endpoint, with or without a key', () => {
    expect(createLlmClient(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).llm)).toBeInstanceOf(OpenAiCompatibleClient);
    expect(createLlmClient(loadConfig({ LLM_PROVIDER: 'openai' }).llm).judges).toBe(true);
  });

  it('refuses Azure without an endpoint', () => {
    expect(() => createLlmClient({ ...loadConfig({}).llm, provider: 'azure', azure: undefined })).toThrow(/AZURE_OPENAI_ENDPOINT/);
  });
});
