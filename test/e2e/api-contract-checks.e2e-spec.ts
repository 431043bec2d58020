import { randomUUID } from 'node:crypto';
import { campaignInput, startApp, type E2eApp } from '../support/e2e-app';
import { AsyncApiMessages } from '../support/asyncapi-messages';
import { OpenApiResponses } from '../support/openapi-responses';

/**
 * The checks every e2e answer goes through (test/support/openapi-responses.ts, asyncapi-messages.ts)
 * refuse what the documents do not describe: shown here on answers made up to break them.
 */
describe('Checks of answers against the API documents (e2e)', () => {
  let app: E2eApp;
  let openApi: OpenApiResponses;
  let asyncApi: AsyncApiMessages;
  beforeAll(async () => {
    app = await startApp();
    [openApi, asyncApi] = await Promise.all([OpenApiResponses.of(app.baseUrl), AsyncApiMessages.load()]);
  });
  afterAll(() => app?.close());

  const json = (type = 'application/json', extra: Record<string, string> = {}) => new Headers({ 'content-type': type, ...extra });
  const problem = (status: number, code: string) => ({ type: 'urn:x', title: 't', status, detail: 'd', code });

  it('passes the answers the server gives', async () => {
    const created = await app.http('POST', '/api/campaigns', { json: campaignInput() });
    const read = await app.http('GET', `/api/campaigns/${created.body.id}`);
    expect(openApi.check({ method: 'GET', path: `/api/campaigns/${created.body.id}`, status: read.status, headers: read.headers, body: read.body, text: read.text })).toEqual([]);
  });

  it('refuses an undocumented status, media type, field, missing field or header, and a code the status does not carry', () => {
    const started = { runId: 'r', campaignId: 'c', status: 'queued' };
    expect(openApi.check({ method: 'POST', path: '/api/runs', status: 200, headers: json(), body: started, text: '{}' })).toEqual([expect.stringContaining('status 200 is not documented')]);
    expect(openApi.check({ method: 'POST', path: '/api/runs', status: 202, headers: json('text/html'), body: undefined, text: '<p>' })).toEqual([expect.stringContaining('media type "text/html"')]);
    expect(openApi.check({ method: 'POST', path: '/api/runs', status: 202, headers: json(), body: { ...started, extra: 1 }, text: '{}' })).toEqual([expect.stringContaining('additional properties')]);
    expect(openApi.check({ method: 'POST', path: '/api/runs', status: 202, headers: json(), body: { runId: 'r' }, text: '{}' })).toEqual(expect.arrayContaining([expect.stringContaining("required property 'campaignId'")]));
    expect(openApi.check({ method: 'GET', path: '/api/runs/r', status: 401, headers: json('application/problem+json'), body: problem(401, 'UNAUTHORIZED'), text: '{}' })).toEqual(['required header WWW-Authenticate is missing']);
    expect(openApi.check({ method: 'GET', path: '/api/runs/r', status: 404, headers: json('application/problem+json'), body: problem(404, 'CAMPAIGN_NOT_FOUND'), text: '{}' })).toEqual([expect.stringContaining('allowed values')]);
    expect(openApi.check({ method: 'GET', path: '/api/no-such-route', status: 200, headers: json(), body: {}, text: '{}' })).toEqual([expect.stringContaining("not the router's 404")]);
    expect(openApi.check({ method: 'GET', path: '/index.html', status: 200, headers: json('text/html'), body: undefined, text: '<html>' })).toEqual([]);
  });

  it('refuses an acknowledgement or an event that docs/asyncapi.yaml does not describe', () => {
    expect(asyncApi.checkAck('run:start', { ok: true, runId: 'r', campaignId: 'c' })).toEqual([]);
    expect(asyncApi.checkAck('run:start', { ok: true, runId: 'r' })).not.toEqual([]);
    expect(asyncApi.checkAck('run:start', { ok: true, runId: 'r', campaignId: 'c', extra: 1 })).not.toEqual([]);
    expect(asyncApi.checkAck('run:start', { ok: false, error: { code: 'VERSION_NOT_FOUND', message: 'm' } })).not.toEqual([]);
    expect(asyncApi.checkAck('run:cancel', { ok: false, error: { code: 'RUN_ALREADY_FINISHED', message: 'm' } })).toEqual([]);
    const event = { eventId: randomUUID(), runId: 'r', campaignId: 'c', seq: 1, state: 'Queued', attempt: 1, message: 'm', timestamp: new Date().toISOString() };
    expect(asyncApi.checkSent('run:event', { ...event, metadata: { executionMode: 'parallel', selectedPlatforms: ['x'] } })).toEqual([]);
    expect(asyncApi.checkSent('run:event', event)).not.toEqual([]);
    expect(asyncApi.checkSent('run:event', { ...event, state: 'Completed', metadata: { executionMode: 'parallel', selectedPlatforms: ['x'] } })).not.toEqual([]);
    expect(asyncApi.checkSent('run:event', { ...event, metadata: { executionMode: 'parallel', selectedPlatforms: ['x'], extra: 1 } })).not.toEqual([]);
  });
});
