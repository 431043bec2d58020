import { ARTIFACT_TYPES, type ExecutionMode, type OrchestrationEvent, type Platform } from '@app/contracts';
import { RunSubscriptions } from '../../src/realtime/run-subscriptions.service';
import { runInput, startApp, type E2eApp } from '../support/e2e-app';
import { expectCompleteStream, expectRunStream } from '../support/e2e-streams';

const ids = (events: OrchestrationEvent[]) => events.map((e) => e.eventId);

describe('Runs over Socket.IO (e2e)', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp({ OFFLINE_LATENCY_MS: '20-60', SOCKET_MESSAGES_PER_SECOND: '1000' });
  });
  afterAll(() => app?.close());
  const rooms = () => app.app.get(RunSubscriptions)['server'].sockets.adapter.rooms;

  it.each<[ExecutionMode, Platform[]]>([
    ['parallel', ['x', 'instagram', 'linkedin']],
    ['sequential', ['threads']],
  ])('a %s run is acknowledged, streamed event by event to one terminal event, and served over REST', async (mode, platforms) => {
    const client = await app.connect();
    const ack = await client.start(runInput({ executionMode: mode, selectedPlatforms: platforms }));
    expect(ack).toEqual({ ok: true, runId: expect.any(String), campaignId: expect.any(String) });
    if (!ack.ok) return;

    const events = await client.untilTerminal(ack.runId);
    expectRunStream(events, mode, platforms);
    expect(events.every((e) => e.runId === ack.runId && e.campaignId === ack.campaignId)).toBe(true);
    const terminal = events[events.length - 1];
    expect(['Completed', 'PartiallyCompleted']).toContain(terminal.state);

    const run = await app.http('GET', `/api/runs/${ack.runId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      id: ack.runId,
      campaignId: ack.campaignId,
      executionMode: mode,
      selectedPlatforms: platforms,
      status: terminal.state === 'Completed' ? 'completed' : 'partiallyCompleted',
      resultStatus: terminal.metadata!.resultStatus,
      lastSeq: events.length,
      finishedAt: expect.any(String),
      metrics: expect.objectContaining({ totalMs: expect.any(Number), generationMs: expect.any(Number), auditMs: expect.any(Number) }),
    });
    expect(Object.keys(run.body.artifacts).sort()).toEqual([...ARTIFACT_TYPES].sort());
    expect(run.body.versions.map((v: { id: string }) => v.id)).toEqual(run.body.versionIds);
    expect(run.body.versions.length).toBeGreaterThanOrEqual(3);
    const versionIds = new Set(run.body.versionIds);
    for (const type of ARTIFACT_TYPES) expect(versionIds.has(run.body.artifacts[type].id)).toBe(true);
    expect(run.body.auditReports.length).toBeGreaterThanOrEqual(3);
    expect(run.body.auditReports.every((r: { versionId: string; runId: string }) => versionIds.has(r.versionId) && r.runId === ack.runId)).toBe(true);
    for (const platform of platforms) expect(JSON.stringify(run.body.artifacts.shortCopy.content)).toContain(`"platform":"${platform}"`);

    const stored = await app.http('GET', `/api/runs/${ack.runId}/events`);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(events);

    const campaign = await app.http('GET', `/api/campaigns/${ack.campaignId}`);
    expect(campaign.status).toBe(200);
    expect(campaign.body.campaign).toMatchObject({ id: ack.campaignId, status: run.body.status });
    expect(Object.keys(campaign.body.activeArtifacts).length).toBeGreaterThanOrEqual(1);
    for (const [type, version] of Object.entries<{ id: string }>(campaign.body.activeArtifacts)) {
      expect(campaign.body.campaign.activeVersionIds[type]).toBe(version.id);
      expect(campaign.body.latestAudit[type]).toMatchObject({ versionId: version.id, artifactType: type });
    }

    const history = await app.http('GET', `/api/campaigns/${ack.campaignId}/runs`);
    expect(history.status).toBe(200);
    expect(history.body.map((r: { id: string }) => r.id)).toEqual([ack.runId]);
  });

  it('pages campaigns newest first with a total count', async () => {
    const client = await app.connect();
    const first = await client.startOk(runInput({ name: 'Paging one' }));
    const second = await client.startOk(runInput({ name: 'Paging two' }));
    await Promise.all([client.untilTerminal(first.runId), client.untilTerminal(second.runId)]);

    const page1 = await app.http('GET', '/api/campaigns?page=1&pageSize=1');
    expect(page1.status).toBe(200);
    expect(page1.body).toEqual({ items: [expect.objectContaining({ id: second.campaignId, name: 'Paging two' })], totalCount: expect.any(Number), page: 1, pageSize: 1, continuationToken: expect.any(String) });
    const total = page1.body.totalCount as number;
    expect(total).toBeGreaterThanOrEqual(2);
    const page2 = await app.http('GET', '/api/campaigns?page=2&pageSize=1');
    expect(page2.body).toMatchObject({ items: [{ id: first.campaignId }], totalCount: total, page: 2, pageSize: 1 });
    const all = await app.http('GET', `/api/campaigns?page=1&pageSize=${total}`);
    expect(all.body.items).toHaveLength(total);
    expect(new Set(all.body.items.map((c: { id: string }) => c.id)).size).toBe(total);
    const defaults = await app.http('GET', '/api/campaigns');
    expect(defaults.body).toMatchObject({ totalCount: total, page: 1, pageSize: 20 });
    expect(defaults.body.items[0].id).toBe(second.campaignId);
    const beyond = await app.http('GET', `/api/campaigns?page=${total + 1}&pageSize=1`);
    expect(beyond.body).toEqual({ items: [], totalCount: total, page: total + 1, pageSize: 1 });
  });

  it('two clients on one run see the same events in the same order', async () => {
    const [starter, watcher] = await Promise.all([app.connect(), app.connect()]);
    const { runId } = await starter.startOk(runInput());
    const subscribed = await watcher.subscribe(runId);
    expect(subscribed).toMatchObject({ ok: true, run: { id: runId } });

    const [seenByStarter, seenByWatcher] = await Promise.all([starter.untilTerminal(runId), watcher.untilTerminal(runId)]);
    expectCompleteStream(seenByStarter, runId);
    expect(ids(seenByWatcher)).toEqual(ids(seenByStarter));
    expect(seenByWatcher).toEqual(seenByStarter);
    // Live events went through the run's room; it is gone with the run.
    expect(rooms().has(`run:${runId}`)).toBe(false);
  });

  it('a client that subscribes again to a run it follows, once or 300 times at once, gets each event once and in order', async () => {
    const client = await app.connect();
    const { runId } = await client.startOk(runInput());
    await client.until(() => client.eventsOf(runId).length >= 2, 'two events');
    expect(await client.subscribe(runId)).toMatchObject({ ok: true });
    expect(await client.subscribe(runId, 1)).toMatchObject({ ok: true });
    const acks = await Promise.all(Array.from({ length: 300 }, () => client.subscribe(runId)));
    expect(acks.filter((ack) => !ack.ok)).toEqual([]);

    const events = await client.untilTerminal(runId);
    const stored = (await app.http('GET', `/api/runs/${runId}/events`)).body;
    expectCompleteStream(events, runId);
    expect(ids(events)).toEqual(ids(stored));

    // After the end a subscribe sends nothing again; after an unsubscribe, a subscribe replays the run.
    expect(await client.subscribe(runId)).toMatchObject({ ok: true });
    expect(await client.unsubscribe(runId)).toMatchObject({ ok: true });
    expect(await client.subscribe(runId)).toMatchObject({ ok: true });
    await client.until(() => client.eventsOf(runId).length >= 2 * stored.length, 'the replay after the unsubscribe');
    expect(ids(client.eventsOf(runId))).toEqual([...ids(stored), ...ids(stored)]);
  });

  describe('resuming', () => {
    let slow: E2eApp;
    beforeAll(async () => {
      slow = await startApp({ OFFLINE_LATENCY_MS: '100-200' });
    });
    afterAll(() => slow?.close());

    it('a client subscribing mid-run with afterSeq gets exactly the missing events, then the live ones', async () => {
      const first = await slow.connect();
      const { runId } = await first.startOk(runInput({ executionMode: 'sequential' }));
      await first.until(() => first.eventsOf(runId).length >= 3, 'three events');
      const lastSeen = 2;

      const second = await slow.connect();
      const ack = await second.subscribe(runId, lastSeen);
      expect(ack).toMatchObject({ ok: true, run: { id: runId, status: 'running' } });
      if (!ack.ok) return;
      expect(ack.run.lastSeq).toBeGreaterThanOrEqual(3);
      expect(ack.run).not.toHaveProperty('versions');
      expect(ack.run).not.toHaveProperty('auditReports');
      expect(ack.run).not.toHaveProperty('artifacts');

      const [all, resumed] = await Promise.all([first.untilTerminal(runId), second.untilTerminal(runId)]);
      expectCompleteStream(all, runId);
      expect(resumed[0].seq).toBe(lastSeen + 1);
      expect(resumed.map((e) => e.seq)).toEqual(all.slice(lastSeen).map((e) => e.seq));
      expect(ids(resumed)).toEqual(ids(all.slice(lastSeen)));
      // Live events reached the late subscriber too: the run was still going when it subscribed.
      expect(all.length).toBeGreaterThan(ack.run.lastSeq);
    });

    it('a client subscribing with an afterSeq the run has not reached yet, while another follows it, gets the events after it; the server goes on serving', async () => {
      // Found by the property tier: such a subscription was handed to the run's room and back, in microtasks without end.
      const first = await slow.connect();
      const { runId } = await first.startOk(runInput({ executionMode: 'sequential' }));
      await first.until(() => first.eventsOf(runId).length >= 3, 'three events');
      const second = await slow.connect();
      const afterSeq = first.eventsOf(runId).length + 5;
      const ack = await second.subscribe(runId, afterSeq);
      expect(ack).toMatchObject({ ok: true, run: { status: 'running' } });
      if (!ack.ok) return;
      expect(ack.run.lastSeq).toBeLessThan(afterSeq);
      expect((await slow.http('GET', '/api/health/ready')).status).toBe(200);

      const [all, fromAhead] = await Promise.all([first.untilTerminal(runId), second.untilTerminal(runId)]);
      expectCompleteStream(all, runId);
      expect(all.length).toBeGreaterThan(afterSeq);
      expect(ids(fromAhead)).toEqual(ids(all.filter((e) => e.seq > afterSeq)));
    });

    it('after the run ended, subscribing replays everything and acknowledges with the run summary', async () => {
      const starter = await slow.connect();
      const { runId, campaignId } = await starter.startOk(runInput());
      const all = await starter.untilTerminal(runId);

      const late = await slow.connect();
      const ack = await late.subscribe(runId);
      expect(ack).toEqual({
        ok: true,
        run: expect.objectContaining({ id: runId, campaignId, status: expect.stringMatching(/^(completed|partiallyCompleted)$/), lastSeq: all.length }),
      });
      expect(ids(await late.untilTerminal(runId))).toEqual(ids(all));

      const tail = await slow.connect();
      expect(await tail.subscribe(runId, all.length - 1)).toMatchObject({ ok: true });
      const onlyTerminal = await tail.untilTerminal(runId);
      expect(onlyTerminal).toEqual([all[all.length - 1]]);
    });

    it('an unsubscribed client gets no further events of the run', async () => {
      const [starter, leaver] = await Promise.all([slow.connect(), slow.connect()]);
      const { runId } = await starter.startOk(runInput({ executionMode: 'sequential' }));
      expect(await leaver.subscribe(runId)).toMatchObject({ ok: true });
      await leaver.until(() => leaver.eventsOf(runId).length >= 2, 'two events');
      expect(await leaver.unsubscribe(runId)).toEqual({ ok: true });
      const countAtUnsubscribe = leaver.eventsOf(runId).length;

      const all = await starter.untilTerminal(runId);
      // A round trip on the leaver's connection: anything emitted to it before now has arrived.
      expect(await leaver.subscribe('no-such-run')).toMatchObject({ ok: false });
      expect(leaver.eventsOf(runId)).toHaveLength(countAtUnsubscribe);
      expect(all.length).toBeGreaterThan(countAtUnsubscribe);
    });
  });
});
