import type { OrchestrationEvent, RunDetail } from '@app/contracts';
import { CosmosTestServer } from '../support/cosmos-test-server';
import { E2eApp, runInput, startApp } from '../support/e2e-app';

/** What a run reads back as, without ids and times, to compare two stores. */
async function readBack(app: E2eApp, runId: string, campaignId: string) {
  const run = (await app.http<RunDetail>('GET', `/api/runs/${runId}`)).body;
  const events = (await app.http<OrchestrationEvent[]>('GET', `/api/runs/${runId}/events?afterSeq=0`)).body;
  const replayAfter3 = (await app.http<OrchestrationEvent[]>('GET', `/api/runs/${runId}/events?afterSeq=3`)).body;
  const history = (await app.http('GET', `/api/campaigns/${campaignId}/runs`)).body as { id: string; status: string }[];
  const campaign = (await app.http('GET', `/api/campaigns/${campaignId}`)).body;
  return {
    status: run.status,
    resultStatus: run.resultStatus,
    artifacts: Object.fromEntries(Object.entries(run.artifacts).map(([type, v]) => [type, { versionNumber: v!.versionNumber, attempt: v!.attempt, content: v!.content, verdict: v!.auditVerdict }])),
    versions: run.versions.map((v) => `${v.type}:${v.versionNumber}@${v.attempt}`),
    reports: run.auditReports.map((r) => `${r.artifactType}@${r.attempt}:${r.verdict}:${run.versions.find((v) => v.id === r.versionId)?.attempt}`),
    events: events.map((e) => `${e.seq}:${e.state}`),
    replayAfter3: replayAfter3.map((e) => e.seq),
    history: history.map((r) => r.status),
    activeArtifacts: Object.keys(campaign.activeArtifacts).sort(),
    campaignStatus: campaign.campaign.status,
  };
}

/** Starts a sequential run (deterministic order) over the socket and waits for its end. */
async function runOnce(app: E2eApp) {
  const socket = await app.connect();
  const { runId, campaignId } = await socket.startOk(runInput({ executionMode: 'sequential', name: 'Same brief' }));
  const live = await socket.untilTerminal(runId);
  return { runId, campaignId, live };
}

describe('A full run through the HTTP API on the Cosmos DB store', () => {
  const cosmos = new CosmosTestServer();
  let onCosmos: E2eApp;
  let onSqlite: E2eApp;

  beforeAll(async () => {
    await cosmos.start();
    const settings = cosmos.settings();
    onCosmos = await startApp({ COSMOS_ENDPOINT: settings.endpoint, COSMOS_KEY: 'test-key', COSMOS_DATABASE: settings.database, OFFLINE_LATENCY_MS: '0' });
    onSqlite = await startApp({ OFFLINE_LATENCY_MS: '0' });
  });
  afterAll(async () => {
    await onCosmos?.close();
    await onSqlite?.close();
    await cosmos.stop();
  });

  it('reads results, history and event replay back the same as the SQLite store', async () => {
    const a = await runOnce(onCosmos);
    const b = await runOnce(onSqlite);
    expect(a.live.map((e) => e.state)).toEqual(b.live.map((e) => e.state));

    const fromCosmos = await readBack(onCosmos, a.runId, a.campaignId);
    const fromSqlite = await readBack(onSqlite, b.runId, b.campaignId);
    expect(fromCosmos).toEqual(fromSqlite);
    expect(fromCosmos.events).toEqual(a.live.map((e) => `${e.seq}:${e.state}`));
    expect(fromCosmos.replayAfter3[0]).toBe(4);
    expect(fromCosmos.history).toEqual([fromCosmos.status]);
  });

  it('replays a finished run to a late socket subscriber from Cosmos DB', async () => {
    const { runId, live } = await runOnce(onCosmos);
    const late = await onCosmos.connect();
    const ack = await late.subscribe(runId, 2);
    expect(ack).toMatchObject({ ok: true, run: { id: runId } });
    const replayed = await late.untilTerminal(runId);
    expect(replayed.map((e) => e.eventId)).toEqual(live.slice(2).map((e) => e.eventId));
  });

  it('answers 404 for ids Cosmos DB cannot store, and is ready while Cosmos DB answers', async () => {
    expect((await onCosmos.http('GET', `/api/runs/${encodeURIComponent('a/b')}`)).status).toBe(404);
    expect((await onCosmos.http('GET', `/api/campaigns/${encodeURIComponent('a?b#c')}`)).status).toBe(404);
    expect((await onCosmos.http('GET', '/api/health/ready')).status).toBe(200);
    const page = (await onCosmos.http('GET', '/api/campaigns?pageSize=1')).body;
    expect(page.items).toHaveLength(1);
    const next = (await onCosmos.http('GET', `/api/campaigns?pageSize=1&page=2&continuationToken=${encodeURIComponent(page.continuationToken)}`)).body;
    expect(next.items[0].id).not.toBe(page.items[0].id);
    // (cosmosdb-server ignores a bad token where Cosmos DB answers 400; the embedded store refuses it.)
    expect((await onSqlite.http('GET', '/api/campaigns?continuationToken=not-a-token')).status).toBe(400);
  });

  it('is not ready while Cosmos DB is unreachable', async () => {
    await cosmos.stop();
    const ready = await onCosmos.http('GET', '/api/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'error', error: { store: { status: 'down' } } });
  }, 30_000);
});
