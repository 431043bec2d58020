import type { OrchestrationEvent } from '@app/contracts';
import { runInput, startApp, type E2eApp } from '../support/e2e-app';
import { expectCompleteStream, readSse, trace } from '../support/e2e-streams';
import { SAMPLE_BRIEF } from '../support/llm-fixtures';

const EDITOR = 'editor-token-0123456789';
const OTHER = 'other-tenant-token-0123456789';

/** Editors in the loop: regenerate one artifact, browse versions, roll back and forward, approve, edit, delete. */
describe('Editors in the loop (e2e)', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp({ OFFLINE_LATENCY_MS: '20-40', AUTH_TOKENS: `${EDITOR}:acme,${OTHER}:globex` }, { token: EDITOR });
  });
  afterAll(() => app?.close());

  const finished = async (runId: string): Promise<OrchestrationEvent[]> =>
    (await readSse(await app.stream(`/api/runs/${runId}/events`, { headers: { accept: 'text/event-stream' } }))).events;

  /** A campaign whose first run has ended. */
  const generated = async () => {
    const started = await app.http('POST', '/api/runs', { json: runInput({ selectedPlatforms: ['x', 'linkedin'] }) });
    await finished(started.body.runId);
    return started.body.campaignId as string;
  };
  const etagOf = async (campaignId: string) => (await app.http('GET', `/api/campaigns/${campaignId}`)).headers.get('etag')!;

  it('regenerates one artifact with instructions by REST: its own event stream, the next version with the feedback, active unless failing', async () => {
    const campaignId = await generated();
    const before = (await app.http('GET', `/api/campaigns/${campaignId}`)).body;

    const started = await app.http('POST', `/api/campaigns/${campaignId}/artifacts/copy/regenerate`, { json: { instructions: 'Make it more playful and mention the free trial' } });
    expect(started.status).toBe(202);
    const events = await finished(started.body.runId);

    expectCompleteStream(events, started.body.runId);
    expect(trace(events).join(' ')).toMatch(/^Queued\/1 GeneratingCopy\/copy\/started\/1 GeneratingCopy\/copy\/completed\/1 GenerationComplete\/1 Auditing\/audit\/started\/1 Auditing\/audit\/completed\/1 .*(Completed|PartiallyCompleted)\/\d+$/);
    expect(events.some((e) => e.agentType === 'shortCopy' || e.agentType === 'visualConcept')).toBe(false);
    expect(events[0].metadata).toMatchObject({ regeneration: { artifactType: 'copy', activate: 'unlessFailed', baseVersionId: before.activeArtifacts.copy.id } });

    const run = (await app.http('GET', `/api/runs/${started.body.runId}`)).body;
    expect(run).toMatchObject({ regeneration: { artifactType: 'copy', instructions: 'Make it more playful and mention the free trial' }, requestedBy: 'static:acme', briefRevision: 1 });
    const versions = (await app.http('GET', `/api/campaigns/${campaignId}/artifacts/copy/versions`)).body;
    const newest = versions.items[0];
    expect(newest.versionNumber).toBeGreaterThan(before.activeArtifacts.copy.versionNumber);
    expect(newest).toMatchObject({ runId: started.body.runId, feedback: 'Make it more playful and mention the free trial', requestedBy: 'static:acme' });
    const after = (await app.http('GET', `/api/campaigns/${campaignId}`)).body;
    expect(after.activeArtifacts.copy.id).toBe(newest.auditVerdict === 'fail' ? before.activeArtifacts.copy.id : newest.id);
    expect(after.activeArtifacts.shortCopy.id).toBe(before.activeArtifacts.shortCopy.id);

    const full = (await app.http('GET', `/api/campaigns/${campaignId}/artifacts/copy/versions/${newest.versionNumber}`)).body;
    expect(full).toMatchObject({ id: newest.id, content: { headlines: expect.any(Array) }, auditReports: [expect.objectContaining({ artifactType: 'copy' })] });
    // The editor's instructions show in what the offline model wrote.
    expect(full.content).not.toEqual(before.activeArtifacts.copy.content);
    expect(JSON.stringify(full.content).toLowerCase()).toContain('free trial');
  });

  it('regenerates short copy for some platforms over the socket: the other platforms keep their posts; activate never keeps the active version', async () => {
    const campaignId = await generated();
    const before = (await app.http('GET', `/api/campaigns/${campaignId}`)).body;
    const socket = await app.connect();

    const ack = await socket.send<{ runId: string }>('run:regenerate', { campaignId, artifactType: 'shortCopy', instructions: 'Shorter, with one emoji', platforms: ['x'], activate: 'never' });
    expect(ack).toMatchObject({ ok: true, campaignId });
    const events = await socket.untilTerminal((ack as { runId: string }).runId);
    expectCompleteStream(events);

    const versions = (await app.http('GET', `/api/campaigns/${campaignId}/artifacts/shortCopy/versions`)).body;
    const newest = (await app.http('GET', `/api/campaigns/${campaignId}/artifacts/shortCopy/versions/${versions.items[0].versionNumber}`)).body;
    const platforms = newest.content.platforms.map((p: { platform: string }) => p.platform);
    expect(platforms).toEqual(['x', 'linkedin']);
    const linkedin = (content: { platforms: { platform: string }[] }) => content.platforms.find((p) => p.platform === 'linkedin');
    expect(linkedin(newest.content)).toEqual(linkedin(before.activeArtifacts.shortCopy.content));
    expect((await app.http('GET', `/api/campaigns/${campaignId}`)).body.activeArtifacts.shortCopy.id).toBe(before.activeArtifacts.shortCopy.id);
    expect(newest.active).toBe(false);

    const paged = await socket.send<{ page: { items: unknown[]; continuationToken?: string } }>('campaign:versions', { campaignId, artifactType: 'shortCopy', pageSize: 1 });
    expect(paged).toMatchObject({ ok: true, page: { items: [expect.objectContaining({ versionNumber: newest.versionNumber })], continuationToken: expect.any(String) } });
  });

  it('cancels a regeneration at once and keeps the active versions; refuses one while a run of the campaign is active', async () => {
    const slow = await startApp({ OFFLINE_LATENCY_MS: '4000', AUTH_TOKENS: `${EDITOR}:acme` }, { token: EDITOR });
    try {
      const campaign = (await slow.http('POST', '/api/campaigns', { json: runInput().campaign })).body;
      const busy = await slow.http('POST', `/api/campaigns/${campaign.id}/runs`, { json: { selectedPlatforms: ['x'] } });
      const refused = await slow.http('POST', `/api/campaigns/${campaign.id}/artifacts/visualConcept/regenerate`, { json: { instructions: 'Warmer colours' } });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('RUN_ACTIVE');
      await slow.http('POST', `/api/runs/${busy.body.runId}/cancel`);
      const before = (await slow.http('GET', `/api/campaigns/${campaign.id}`)).body.campaign.activeVersionIds;

      const regeneration = await slow.http('POST', `/api/campaigns/${campaign.id}/artifacts/visualConcept/regenerate`, { json: { instructions: 'Warmer colours' } });
      expect(regeneration.status).toBe(202);
      const cancelled = await slow.http('POST', `/api/runs/${regeneration.body.runId}/cancel`);
      expect(cancelled.body.status).toBe('cancelled');
      const events = (await slow.http('GET', `/api/runs/${regeneration.body.runId}/events`)).body as OrchestrationEvent[];
      expectCompleteStream(events, regeneration.body.runId);
      expect(events.at(-1)?.state).toBe('Cancelled');
      expect((await slow.http('GET', `/api/campaigns/${campaign.id}`)).body.campaign.activeVersionIds).toEqual(before);
    } finally {
      await slow.close();
    }
  });

  it('rolls an active version back and forward with If-Match: 412 when stale, 428 without, 404 for an unknown version; the change is recorded', async () => {
    const campaignId = await generated();
    const regeneration = await app.http('POST', `/api/campaigns/${campaignId}/artifacts/copy/regenerate`, { json: { instructions: 'More formal', activate: 'always' } });
    await finished(regeneration.body.runId);
    const [latest, previous] = (await app.http('GET', `/api/campaigns/${campaignId}/artifacts/copy/versions`)).body.items;
    expect(latest.active).toBe(true);
    const etag = await etagOf(campaignId);

    const back = await app.http('PUT', `/api/campaigns/${campaignId}/artifacts/copy/active`, { json: { versionNumber: previous.versionNumber }, headers: { 'if-match': etag } });
    expect(back.status).toBe(200);
    expect(back.body.activeVersionIds.copy).toBe(previous.id);
    expect(back.headers.get('etag')).toBe(back.body.etag);
    expect(back.body.etag).not.toBe(etag);

    const stale = await app.http('PUT', `/api/campaigns/${campaignId}/artifacts/copy/active`, { json: { versionNumber: latest.versionNumber }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    const missing = await app.http('PUT', `/api/campaigns/${campaignId}/artifacts/copy/active`, { json: { versionNumber: latest.versionNumber } });
    expect(missing.status).toBe(428);
    expect(missing.body).toMatchObject({ code: 'PRECONDITION_REQUIRED', errors: [{ field: 'If-Match' }] });
    const unknown = await app.http('PUT', `/api/campaigns/${campaignId}/artifacts/copy/active`, { json: { versionNumber: 99 }, headers: { 'if-match': back.body.etag } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('VERSION_NOT_FOUND');

    const forward = await app.http('PUT', `/api/campaigns/${campaignId}/artifacts/copy/active`, { json: { versionNumber: latest.versionNumber }, headers: { 'if-match': back.body.etag } });
    expect(forward.body.activeVersionIds.copy).toBe(latest.id);
    const changes = (await app.http('GET', `/api/campaigns/${campaignId}/changes`)).body;
    expect(changes.map((c: { action: string; details: { toVersionNumber: number } }) => [c.action, c.details.toVersionNumber])).toEqual([
      ['activate', latest.versionNumber],
      ['activate', previous.versionNumber],
    ]);
    expect(changes[0].by).toBe('static:acme');
  });

  it('approves only passed versions unless overridden with a reason; a new brief returns the campaign to draft and the next run records its revision', async () => {
    const campaignId = await generated();
    const detail = (await app.http('GET', `/api/campaigns/${campaignId}`)).body;
    const allPassed = ['copy', 'shortCopy', 'visualConcept'].every((type) => detail.activeArtifacts[type]?.auditVerdict === 'pass');
    const plain = await app.http('POST', `/api/campaigns/${campaignId}/approve`, { json: {}, headers: { 'if-match': await etagOf(campaignId) } });
    if (allPassed) {
      expect(plain.status).toBe(200);
    } else {
      expect(plain.status).toBe(409);
      expect(plain.body.code).toBe('APPROVAL_BLOCKED');
    }
    const approved = allPassed
      ? plain
      : await app.http('POST', `/api/campaigns/${campaignId}/approve`, { json: { override: { reason: 'Legal reviewed the conditional copy' } }, headers: { 'if-match': await etagOf(campaignId) } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approval: { by: 'static:acme', versionIds: detail.campaign.activeVersionIds } });
    if (!allPassed) expect(approved.body.approval.override).toEqual({ reason: 'Legal reviewed the conditional copy' });

    const renamed = await app.http('PATCH', `/api/campaigns/${campaignId}`, { json: { name: 'Renamed launch' }, headers: { 'if-match': approved.body.etag } });
    expect(renamed.body).toMatchObject({ name: 'Renamed launch', status: 'approved' });
    const brief = { ...SAMPLE_BRIEF, objective: 'Win back lapsed customers before summer' };
    const rebriefed = await app.http('PATCH', `/api/campaigns/${campaignId}`, { json: { brief }, headers: { 'if-match': renamed.body.etag } });
    expect(rebriefed.status).toBe(200);
    expect(rebriefed.body).toMatchObject({ status: 'draft', briefRevision: 2, brief: { objective: brief.objective } });
    expect(rebriefed.body.approval).toBeUndefined();

    const next = await app.http('POST', `/api/campaigns/${campaignId}/runs`, { json: { selectedPlatforms: ['x'] } });
    await finished(next.body.runId);
    expect((await app.http('GET', `/api/runs/${next.body.runId}`)).body.briefRevision).toBe(2);
  });

  it('deletes a campaign only when no run is active: then 404 everywhere and gone from the list; another tenant reaches none of it', async () => {
    const campaignId = await generated();
    const other = { token: OTHER };
    expect((await app.http('GET', `/api/campaigns/${campaignId}/artifacts/copy/versions`, other)).status).toBe(404);
    expect((await app.http('POST', `/api/campaigns/${campaignId}/artifacts/copy/regenerate`, { ...other, json: { instructions: 'Mine now' } })).status).toBe(404);
    expect((await app.http('PUT', `/api/campaigns/${campaignId}/artifacts/copy/active`, { ...other, json: { versionNumber: 1 }, headers: { 'if-match': await etagOf(campaignId) } })).status).toBe(404);
    expect((await app.http('DELETE', `/api/campaigns/${campaignId}`, { ...other, headers: { 'if-match': await etagOf(campaignId) } })).status).toBe(404);

    const running = await app.http('POST', `/api/campaigns/${campaignId}/runs`, { json: { selectedPlatforms: ['x'] } });
    const refused = await app.http('DELETE', `/api/campaigns/${campaignId}`, { headers: { 'if-match': await etagOf(campaignId) } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('RUN_ACTIVE');
    await finished(running.body.runId);

    const deleted = await app.http('DELETE', `/api/campaigns/${campaignId}`, { headers: { 'if-match': await etagOf(campaignId) } });
    expect(deleted.status).toBe(204);
    expect((await app.http('GET', `/api/campaigns/${campaignId}`)).status).toBe(404);
    expect((await app.http('GET', `/api/campaigns/${campaignId}/artifacts/copy/versions`)).status).toBe(404);
    expect((await app.http('GET', '/api/campaigns?pageSize=100')).body.items.map((c: { id: string }) => c.id)).not.toContain(campaignId);
  });

  it('does the same over the socket: version, activate (etag; stale → PRECONDITION_FAILED), approve, edit, delete; bad payloads get VALIDATION_FAILED', async () => {
    const campaignId = await generated();
    const socket = await app.connect();
    const regeneration = await socket.send<{ runId: string }>('run:regenerate', { campaignId, artifactType: 'visualConcept', instructions: 'Night-time city mood', activate: 'always' });
    await socket.untilTerminal((regeneration as { runId: string }).runId);
    const etag = await etagOf(campaignId);

    const first = await socket.send<{ version: { id: string; content: unknown } }>('campaign:version', { campaignId, artifactType: 'visualConcept', versionNumber: 1 });
    expect(first).toMatchObject({ ok: true, version: { versionNumber: 1, active: false, content: { concepts: expect.any(Array) } } });
    const back = await socket.send<{ campaign: { etag: string; activeVersionIds: Record<string, string> } }>('campaign:activate', { campaignId, artifactType: 'visualConcept', versionNumber: 1, etag });
    expect(back).toMatchObject({ ok: true, campaign: { activeVersionIds: { visualConcept: (first as { version: { id: string } }).version.id } } });
    expect(await socket.send('campaign:activate', { campaignId, artifactType: 'visualConcept', versionNumber: 2, etag })).toMatchObject({ ok: false, error: { code: 'PRECONDITION_FAILED' } });
    const fresh = (back as { campaign: { etag: string } }).campaign.etag;

    const approved = await socket.send<{ campaign: { status: string; etag: string } }>('campaign:approve', { campaignId, etag: fresh, override: { reason: 'Signed off in review' } });
    expect(approved).toMatchObject({ ok: true, campaign: { status: 'approved' } });
    const edited = await socket.send<{ campaign: { name: string; etag: string } }>('campaign:edit', { campaignId, etag: (approved as { campaign: { etag: string } }).campaign.etag, name: 'Socket-renamed' });
    expect(edited).toMatchObject({ ok: true, campaign: { name: 'Socket-renamed', status: 'approved' } });
    expect(await socket.send('campaign:edit', { campaignId, name: 'No etag' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ field: 'etag' })]) } });
    expect(await socket.send('campaign:version', { campaignId, artifactType: 'visualConcept', versionNumber: 0 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await socket.send('run:regenerate', { campaignId, artifactType: 'copy' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ field: 'instructions' })]) } });

    expect(await socket.send('campaign:delete', { campaignId, etag: (edited as { campaign: { etag: string } }).campaign.etag })).toEqual({ ok: true });
    expect(await socket.send('campaign:versions', { campaignId, artifactType: 'copy' })).toMatchObject({ ok: false, error: { code: 'CAMPAIGN_NOT_FOUND' } });
  });

  it('answers bad input to each operation with a 400 naming the field', async () => {
    const campaignId = await generated();
    const etag = { 'if-match': await etagOf(campaignId) };
    const cases: [string, string, unknown, Record<string, string>, string][] = [
      ['POST', `/api/campaigns/${campaignId}/artifacts/copy/regenerate`, { instructions: '   ' }, {}, 'instructions'],
      ['POST', `/api/campaigns/${campaignId}/artifacts/poster/regenerate`, { instructions: 'x' }, {}, 'artifactType'],
      ['POST', `/api/campaigns/${campaignId}/artifacts/copy/regenerate`, { instructions: 'x', platforms: ['x'] }, {}, 'platforms'],
      ['POST', `/api/campaigns/${campaignId}/artifacts/shortCopy/regenerate`, { instructions: 'x', platforms: ['myspace'] }, {}, 'platforms'],
      ['POST', `/api/campaigns/${campaignId}/artifacts/copy/regenerate`, { instructions: 'x', activate: 'sometimes' }, {}, 'activate'],
      ['GET', `/api/campaigns/${campaignId}/artifacts/copy/versions/abc`, undefined, {}, 'versionNumber'],
      ['GET', `/api/campaigns/${campaignId}/artifacts/copy/versions?pageSize=0`, undefined, {}, 'pageSize'],
      ['PUT', `/api/campaigns/${campaignId}/artifacts/copy/active`, { versionNumber: 'one' }, etag, 'versionNumber'],
      ['POST', `/api/campaigns/${campaignId}/approve`, { override: { reason: '' } }, etag, 'override.reason'],
      ['PATCH', `/api/campaigns/${campaignId}`, { brief: { objective: '' } }, etag, 'brief.objective'],
      ['PATCH', `/api/campaigns/${campaignId}`, {}, etag, '(body)'],
    ];
    for (const [method, path, json, headers, field] of cases) {
      const answer = await app.http(method, path, { json, headers });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 400 });
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
