import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER } from './api-docs';

const DESCRIPTION = [
  'REST fallback of the run API; live events over Socket.IO (docs/asyncapi.yaml, docs/events.md).',
  'Errors are RFC 9457 problem details (`application/problem+json`) with a `code` (libs/contracts/src/errors.ts) and `errors[]` naming each invalid field once.',
  'Every operation under /api but the health probes needs a tenant’s bearer token when the server has AUTH_TOKENS or AUTH_JWT_ISSUER set.',
].join('\n\n');

/**
 * The OpenAPI document of the REST API, built from the controllers' decorators (the request DTOs
 * are the server's validation, the response schemas mirror libs/contracts): served at
 * /api/docs-json, linted in the suite, and every answer of the e2e tier is checked against it.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Campaign orchestrator')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'static token or Entra ID (OIDC) access token (JWT)', description: 'A static AUTH_TOKENS token, or an Entra ID access token with the read (GET) or write role or scope (docs/api.md)' },
      BEARER,
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'METRICS_TOKEN, when the server sets one' }, 'metricsToken')
    .addTag('campaigns', 'Create, list and read campaigns; start runs of them')
    .addTag('editing', 'Editors in the loop: regenerate, versions, active version, approve, edit, delete')
    .addTag('runs', 'Create and start, read, follow (JSON or Server-Sent Events) and cancel runs')
    .addTag('health', 'Liveness and readiness probes (no token)')
    .addTag('telemetry', 'Prometheus metrics')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // What declares no security requirement (the health probes) is public: said so, rather than left unsaid.
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) if (operation && !operation.security) operation.security = [];
  }
  return document;
}
