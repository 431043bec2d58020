import { readFileSync, writeFileSync } from 'node:fs';
import { DiagnosticSeverity, fromFile, Parser } from '@asyncapi/parser';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { ERROR_CODES } from '@app/contracts';
import { validateDto } from '../../src/common/validate-dto';
import { ActivateMessageDto, ApproveMessageDto, CampaignRefDto, EditMessageDto, RegenerateMessageDto, VersionMessageDto, VersionsMessageDto } from '../../src/runs/dto/campaign-edit.dto';
import { RunRefDto, StartRunDto, SubscribeDto } from '../../src/runs/dto/start-run.dto';
import { ASYNCAPI_FILE, generatedOpenApi, OPENAPI_FILE } from '../support/api-documents';
import { AsyncApiMessages } from '../support/asyncapi-messages';

/** The API documents as third-party tools read them: redocly's rules on the OpenAPI document, the AsyncAPI parser on asyncapi.yaml. */
describe('API documents', () => {
  let openApi: OpenAPIObject;
  beforeAll(async () => {
    openApi = await generatedOpenApi();
  });

  it('the generated OpenAPI document passes redocly’s recommended rules with no error (and no warning but two that do not apply)', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(openApi), absoluteRef: 'openapi.json', config });
    const reported = problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    // The API is proprietary (no license to name), and the health probes have no client error to answer.
    expect(reported).toEqual([
      'warn info-license at #/info: Info object should contain `license` field.',
      'warn operation-4xx-response at #/paths/~1api~1health~1live/get/responses: Operation must have at least one `4XX` response.',
      'warn operation-4xx-response at #/paths/~1api~1health~1ready/get/responses: Operation must have at least one `4XX` response.',
    ]);
  });

  it('documents, for every operation, a typed success answer, problem details for the errors and the security it needs', () => {
    const operations = Object.entries(openApi.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const { path, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect({ where, summary: typeof operation.summary }).toEqual({ where, summary: 'string' });
      const statuses = Object.keys(operation.responses);
      expect({ where, success: statuses.some((s: string) => /^2/.test(s)) }).toEqual({ where, success: true });
      for (const status of statuses.filter((s: string) => /^[45]/.test(s) && !(path === '/api/health/ready' || path === '/metrics'))) {
        expect({ where, status, types: Object.keys(operation.responses[status].content ?? {}) }).toEqual({ where, status, types: ['application/problem+json'] });
      }
      const isPublic = path.startsWith('/api/health/') || path === '/metrics';
      expect({ where, security: operation.security ?? [] }).toEqual({ where, security: isPublic ? (path === '/metrics' ? [{ metricsToken: [] }, {}] : []) : [{ bearer: [] }] });
      if (!isPublic) expect({ where, has401: statuses.includes('401') }).toEqual({ where, has401: true });
      if (operation.requestBody) expect({ where, examples: Object.keys(operation.requestBody.content['application/json'].examples ?? {}).length > 0 }).toEqual({ where, examples: true });
    }
    expect(openApi.components?.schemas?.ProblemDetails).toMatchObject({ properties: { code: { enum: [...ERROR_CODES] } } });
    expect(openApi.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(openApi.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('docs/openapi.json is the document the server serves (`npm run docs:openapi` writes it anew)', () => {
    const generated = `${JSON.stringify(openApi, null, 2)}\n`;
    if (process.env.UPDATE_API_DOCS === '1') writeFileSync(OPENAPI_FILE, generated);
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(generated);
  });

  it('docs/asyncapi.yaml parses with the AsyncAPI parser without an error or a warning', async () => {
    // From the file, so that its references to openapi.json beside it resolve.
    const { document, diagnostics } = await fromFile(new Parser(), ASYNCAPI_FILE).parse();
    const reported = diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`);
    expect(reported).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.operations().all().filter((operation) => operation.action() === 'receive').every((operation) => operation.reply() !== undefined)).toBe(true);
  });
});

/** The socket payloads the AsyncAPI document allows are the ones the server takes, and the other way round. */
describe('AsyncAPI payloads and the server’s validation', () => {
  let messages: AsyncApiMessages;
  beforeAll(async () => {
    messages = await AsyncApiMessages.load();
  });

  const brief = (): Record<string, unknown> => ({ objective: 'Launch', targetAudience: 'Everyone', productDetails: 'A lamp' });
  const campaign = (extra: Record<string, unknown> = {}) => ({ name: 'Launch', brief: { ...brief(), ...extra } });
  const ref = { campaignId: 'c-1', etag: 'e-1' };
  const artifact = { campaignId: 'c-1', artifactType: 'copy' };
  const DTOS: Record<string, new () => object> = {
    'run:start': StartRunDto,
    'run:subscribe': SubscribeDto,
    'run:unsubscribe': RunRefDto,
    'run:cancel': RunRefDto,
    'run:regenerate': RegenerateMessageDto,
    'campaign:versions': VersionsMessageDto,
    'campaign:version': VersionMessageDto,
    'campaign:activate': ActivateMessageDto,
    'campaign:approve': ApproveMessageDto,
    'campaign:edit': EditMessageDto,
    'campaign:delete': CampaignRefDto,
  };
  const cases: [string, string, unknown, boolean][] = [
    ['run:start', 'a new campaign', { campaign: campaign(), selectedPlatforms: ['x'] }, true],
    ['run:start', 'an existing campaign', { campaignId: 'c-1', executionMode: 'sequential', selectedPlatforms: ['x', 'linkedin'] }, true],
    ['run:start', 'neither campaign nor campaignId', { selectedPlatforms: ['x'] }, false],
    ['run:start', 'both campaign and campaignId', { campaign: campaign(), campaignId: 'c-1', selectedPlatforms: ['x'] }, false],
    ['run:start', 'a 60-character tone guideline', { campaign: campaign({ toneGuidelines: ['t'.repeat(60)] }), selectedPlatforms: ['x'] }, false],
    ['run:start', 'a 50-character tone guideline', { campaign: campaign({ toneGuidelines: ['t'.repeat(50)] }), selectedPlatforms: ['x'] }, true],
    ['run:start', 'a blank name', { campaign: { ...campaign(), name: '   ' }, selectedPlatforms: ['x'] }, false],
    ['run:start', 'no platform', { campaign: campaign(), selectedPlatforms: [] }, false],
    ['run:start', 'a platform twice', { campaign: campaign(), selectedPlatforms: ['x', 'x'] }, false],
    ['run:start', 'an unknown mode', { campaign: campaign(), executionMode: 'turbo', selectedPlatforms: ['x'] }, false],
    ['run:start', 'a bad idempotency key', { campaign: campaign(), selectedPlatforms: ['x'], idempotencyKey: 'has space' }, false],
    ['run:start', 'a word count of 0', { campaign: campaign({ constraints: { minWordCount: 0 } }), selectedPlatforms: ['x'] }, false],
    ['run:start', 'a colour that is not #RRGGBB', { campaign: campaign({ brandPalette: ['red'] }), selectedPlatforms: ['x'] }, false],
    ['run:subscribe', 'a run', { runId: 'r-1' }, true],
    ['run:subscribe', 'afterSeq 3', { runId: 'r-1', afterSeq: 3 }, true],
    ['run:subscribe', 'afterSeq "3"', { runId: 'r-1', afterSeq: '3' }, false],
    ['run:subscribe', 'afterSeq 1.5', { runId: 'r-1', afterSeq: 1.5 }, false],
    ['run:subscribe', 'afterSeq -1', { runId: 'r-1', afterSeq: -1 }, false],
    ['run:subscribe', 'an empty run id', { runId: '' }, false],
    ['run:subscribe', 'a 101-character run id', { runId: 'r'.repeat(101) }, false],
    ['run:cancel', 'no run id', {}, false],
    ['run:unsubscribe', 'a run', { runId: 'r-1' }, true],
    ['run:regenerate', 'instructions', { ...artifact, instructions: 'Warmer', activate: 'always' }, true],
    ['run:regenerate', 'blank instructions', { ...artifact, instructions: '   ' }, false],
    ['run:regenerate', 'an unknown activation', { ...artifact, instructions: 'x', activate: 'sometimes' }, false],
    ['run:regenerate', 'an empty platform list', { ...artifact, artifactType: 'shortCopy', instructions: 'x', platforms: [] }, false],
    ['run:regenerate', 'an unknown artifact type', { ...artifact, artifactType: 'poster', instructions: 'x' }, false],
    ['campaign:versions', 'a page size', { ...artifact, pageSize: 5 }, true],
    ['campaign:versions', 'a page size "5"', { ...artifact, pageSize: '5' }, false],
    ['campaign:versions', 'a page size of 101', { ...artifact, pageSize: 101 }, false],
    ['campaign:versions', 'an empty token', { ...artifact, continuationToken: '' }, false],
    ['campaign:version', 'version 2', { ...artifact, versionNumber: 2 }, true],
    ['campaign:version', 'version "2"', { ...artifact, versionNumber: '2' }, false],
    ['campaign:activate', 'version 2 with its etag', { ...artifact, versionNumber: 2, etag: 'e-1' }, true],
    ['campaign:activate', 'an empty etag', { ...artifact, versionNumber: 2, etag: '' }, false],
    ['campaign:approve', 'an override', { ...ref, override: { reason: 'Legal reviewed it' } }, true],
    ['campaign:approve', 'a blank reason', { ...ref, override: { reason: ' ' } }, false],
    ['campaign:edit', 'a name', { ...ref, name: 'Renamed' }, true],
    ['campaign:edit', 'a blank name', { ...ref, name: '  ' }, false],
    ['campaign:edit', 'a brief without objective', { ...ref, brief: { targetAudience: 'a', productDetails: 'b' } }, false],
    ['campaign:delete', 'its etag', ref, true],
    ['campaign:delete', 'no etag', { campaignId: 'c-1' }, false],
  ];

  it.each(cases)('%s with %s: the document and the server agree', async (message, _what, payload, valid) => {
    const server = await validateDto(DTOS[message], payload).then(
      () => true,
      () => false,
    );
    expect({ document: messages.allows(message, payload), server }).toEqual({ document: valid, server: valid });
  });
});
