import { resolve } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/load-config';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { removeDir, tempDir } from './e2e-app';

/** The AsyncAPI document of the socket API, as written. */
export const ASYNCAPI_FILE = resolve(__dirname, '..', '..', 'docs', 'asyncapi.yaml');

/** The OpenAPI document as committed (what the server serves: the suite checks it), which asyncapi.yaml refers to for the shapes both APIs share. */
export const OPENAPI_FILE = resolve(__dirname, '..', '..', 'docs', 'openapi.json');

/** The OpenAPI document the server serves, built from an app that is created but never listens. */
export async function generatedOpenApi(): Promise<OpenAPIObject> {
  const dataDir = tempDir('orchestrator-openapi-');
  const app = await createApp(loadConfig({ NODE_ENV: 'test', LLM_PROVIDER: 'offline', DATA_DIR: dataDir }));
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
    removeDir(dataDir);
  }
}
