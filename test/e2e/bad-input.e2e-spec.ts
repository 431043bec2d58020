import { runInput, startApp, type E2eApp, type HttpAnswer } from '../support/e2e-app';
import type { Ack, RunSocket } from '../support/e2e-socket';
import { expectCompleteStream } from '../support/e2e-streams';

/** Asserts an RFC 9457 problem detail with `status` and `code`, naming at least `fields`. */
function expectProblem(answer: HttpAnswer, status: number, code: string, fields: string[] = []): void {
  expect({ status: answer.status, contentType: answer.headers.get('content-type') }).toEqual({ status, contentType: expect.stringMatching(/^application\/problem\+json/) });
  expect(answer.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), code }));
  if (fields.length === 0) return;
  expect(answer.body.errors).toEqual(expect.arrayContaining(fields.map((field) => ({ field, message: expect.any(String) }))));
}

/** Asserts an error acknowledgement with `code`, naming at least `fields` in its details. */
function expectAckError(ack: Ack, code: string, fields: string[] = []): void {
  expect(ack).toEqual({ ok: false, error: expect.objectContaining({ code, message: expect.any(String) }) });
  if (fields.length === 0 || ack.ok) return;
  expect(ack.error.details).toEqual(expect.arrayContaining(fields.map((field) => ({ field, message: expect.any(String) }))));
}

const messageOf = (answer: HttpAnswer | Ack, field: string): string => {
  const errors = 'body' in answer ? answer.body?.errors : !answer.ok ? answer.error.details : undefined;
  return (errors as { field: string; message: string }[] | undefined)?.find((e) => e.field === field)?.message ?? '';
};

describe('Bad input (e2e)', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp({ HTTP_BODY_LIMIT_BYTES: '2048', SOCKET_MESSAGES_PER_SECOND: '10000' });
  });
  afterAll(() => app?.close());

  describe('REST', () => {
    it('an invalid run request is a 400 problem detail naming each field', async () => {
      const noObjective = runInput();
      delete (noObjective.campaign.brief as { objective?: string }).objective;
      expectProblem(await app.http('POST', '/api/runs', { json: noObjective }), 400, 'VALIDATION_FAILED', ['campaign.brief.objective']);

      const unknownPlatform = await app.http('POST', '/api/runs', { json: { ...runInput(), selectedPlatforms: ['x', 'myspace'] } });
      expectProblem(unknownPlatform, 400, 'VALIDATION_FAILED', ['selectedPlatforms']);
      expect(messageOf(unknownPlatform, 'selectedPlatforms')).toContain('myspace');

      expectProblem(await app.http('POST', '/api/runs', { json: { ...runInput(), executionMode: 'turbo' } }), 400, 'VALIDATION_FAILED', ['executionMode']);
      expectProblem(await app.http('POST', '/api/runs', { json: { ...runInput(), selectedPlatforms: [] } }), 400, 'VALIDATION_FAILED', ['selectedPlatforms']);
      expectProblem(await app.http('POST', '/api/runs', { json: { selectedPlatforms: ['x'] } }), 400, 'VALIDATION_FAILED', ['campaign']);
      const badBrief = runInput();
      Object.assign(badBrief.campaign.brief, { brandPalette: ['red'], targetAudience: '   ', constraints: { minWordCount: 50, maxWordCount: 10 } });
      expectProblem(await app.http('POST', '/api/runs', { json: badBrief }), 400, 'VALIDATION_FAILED', [
        'campaign.brief.brandPalette',
        'campaign.brief.targetAudience',
        'campaign.brief.constraints.maxWordCount',
      ]);
      expectProblem(await app.http('POST', '/api/campaigns', { json: {} }), 400, 'VALIDATION_FAILED', ['name', 'brief']);
      // Each field once, its failed rules joined.
      const badName = await app.http('POST', '/api/campaigns', { json: { name: 5, brief: runInput().campaign.brief } });
      expect(badName.body.errors).toEqual([{ field: 'name', message: expect.stringMatching(/; /) }]);
      expectProblem(await app.http('POST', '/api/campaigns', { json: { ...runInput().campaign, name: 'n'.repeat(201) } }), 400, 'VALIDATION_FAILED', ['name']);

      const campaign = await app.http('POST', '/api/campaigns', { json: runInput().campaign });
      expect(campaign.status).toBe(201);
      expectProblem(await app.http('POST', `/api/campaigns/${campaign.body.id}/runs`, { json: { selectedPlatforms: ['orkut'] } }), 400, 'VALIDATION_FAILED', ['selectedPlatforms']);
      expectProblem(await app.http('POST', `/api/campaigns/${campaign.body.id}/runs`, { json: {} }), 400, 'VALIDATION_FAILED', ['selectedPlatforms']);
      expect((await app.http('GET', `/api/campaigns/${campaign.body.id}/runs`)).body).toEqual([]);
    });

    it('a body that is not a JSON object is a 400; a body over the limit is a 413; neither creates anything', async () => {
      const campaignsBefore = (await app.http('GET', '/api/campaigns')).body.totalCount;
      expectProblem(await app.http('POST', '/api/runs', { raw: '{"campaign": {"name": "x",' }), 400, 'VALIDATION_FAILED', ['(body)']);
      expectProblem(await app.http('POST', '/api/campaigns', { raw: '"just a string"' }), 400, 'VALIDATION_FAILED');
      expectProblem(await app.http('POST', '/api/runs', { raw: '[1, 2]' }), 400, 'VALIDATION_FAILED');
      expectProblem(await app.http('POST', '/api/runs', { raw: 'campaign=x', contentType: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await app.http('POST', '/api/runs', { raw: 'campaign=x', contentType: 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const tooLarge = runInput();
      tooLarge.campaign.brief.productDetails = 'p'.repeat(3000);
      expectProblem(await app.http('POST', '/api/runs', { json: tooLarge }), 413, 'PAYLOAD_TOO_LARGE');
      expectProblem(await app.http('POST', '/api/campaigns', { json: tooLarge.campaign }), 413, 'PAYLOAD_TOO_LARGE');
      expect((await app.http('GET', '/api/campaigns')).body.totalCount).toBe(campaignsBefore);
    });

    it('an unknown run or campaign is a 404 on every endpoint', async () => {
      for (const [method, path] of [
        ['GET', '/api/runs/no-such-run'],
        ['GET', '/api/runs/no-such-run/events'],
        ['GET', '/api/runs/no-such-run/events?afterSeq=2'],
        ['POST', '/api/runs/no-such-run/cancel'],
      ]) {
        expectProblem(await app.http(method, path), 404, 'RUN_NOT_FOUND');
      }
      expectProblem(await app.http('GET', '/api/runs/no-such-run/events', { headers: { accept: 'text/event-stream' } }), 404, 'RUN_NOT_FOUND');
      expectProblem(await app.http('GET', '/api/campaigns/no-such-campaign'), 404, 'CAMPAIGN_NOT_FOUND');
      expectProblem(await app.http('GET', '/api/campaigns/no-such-campaign/runs'), 404, 'CAMPAIGN_NOT_FOUND');
      expectProblem(await app.http('POST', '/api/campaigns/no-such-campaign/runs', { json: { selectedPlatforms: ['x'] } }), 404, 'CAMPAIGN_NOT_FOUND');
      expectProblem(await app.http('GET', '/api/no-such-route'), 404, 'NOT_FOUND');
    });

    it('bad paging and afterSeq parameters are a 400 naming the parameter', async () => {
      for (const [query, field] of [
        ['page=0', 'page'],
        ['page=-1', 'page'],
        ['page=abc', 'page'],
        ['page=1.5', 'page'],
        ['pageSize=0', 'pageSize'],
        ['pageSize=101', 'pageSize'],
        ['pageSize=ten', 'pageSize'],
      ]) {
        expectProblem(await app.http('GET', `/api/campaigns?${query}`), 400, 'VALIDATION_FAILED', [field]);
      }
      const { body } = await app.http('POST', '/api/runs', { json: runInput() });
      for (const query of ['afterSeq=-1', 'afterSeq=abc']) {
        expectProblem(await app.http('GET', `/api/runs/${body.runId}/events?${query}`), 400, 'VALIDATION_FAILED', ['afterSeq']);
      }
      const client = await app.connect();
      await client.subscribe(body.runId);
      await client.untilTerminal(body.runId);
    });
  });

  describe('Socket.IO', () => {
    let client: RunSocket;
    let disconnects = 0;
    beforeAll(async () => {
      client = await app.connect();
      client.socket.on('disconnect', () => disconnects++);
    });

    it('a payload that is not an object gets a VALIDATION_FAILED ack', async () => {
      for (const payload of ['hello', 42, null, true, [1, 2]]) {
        expectAckError(await client.send('run:start', payload), 'VALIDATION_FAILED', ['(payload)']);
        expectAckError(await client.send('run:subscribe', payload), 'VALIDATION_FAILED');
        expectAckError(await client.send('run:cancel', payload), 'VALIDATION_FAILED');
        expectAckError(await client.send('run:unsubscribe', payload), 'VALIDATION_FAILED');
      }
      expectAckError(await client.send('run:start'), 'VALIDATION_FAILED');
      expectAckError(await client.send('run:subscribe', { runId: 'a' }, { runId: 'b' }), 'VALIDATION_FAILED');
    });

    it('missing fields and wrong types get a VALIDATION_FAILED ack naming the fields', async () => {
      expectAckError(await client.start({}), 'VALIDATION_FAILED', ['campaign', 'selectedPlatforms']);
      expectAckError(await client.start({ campaign: { name: 5, brief: 'brief' }, selectedPlatforms: 'x' }), 'VALIDATION_FAILED', ['campaign.name', 'campaign.brief', 'selectedPlatforms']);
      const unknownPlatform = await client.start({ ...runInput(), selectedPlatforms: ['myspace'] });
      expectAckError(unknownPlatform, 'VALIDATION_FAILED', ['selectedPlatforms']);
      expect(messageOf(unknownPlatform, 'selectedPlatforms')).toContain('myspace');
      expectAckError(await client.start({ ...runInput(), executionMode: 'turbo' }), 'VALIDATION_FAILED', ['executionMode']);
      const noObjective = runInput();
      delete (noObjective.campaign.brief as { objective?: string }).objective;
      expectAckError(await client.start(noObjective), 'VALIDATION_FAILED', ['campaign.brief.objective']);
      expectAckError(await client.start({ campaignId: 42, selectedPlatforms: ['x'] }), 'VALIDATION_FAILED', ['campaignId']);
      // One or the other, as the contract says: both is refused, naming both.
      const both = await client.start({ ...runInput(), campaignId: 'some-campaign' });
      expectAckError(both, 'VALIDATION_FAILED', ['campaign', 'campaignId']);
      expect(messageOf(both, 'campaign')).toContain('not both');
      // Each field once, on the socket as over REST.
      const badName = await client.start({ ...runInput(), campaign: { name: 5, brief: runInput().campaign.brief } });
      expect(!badName.ok && badName.error.details).toEqual([{ field: 'campaign.name', message: expect.stringMatching(/; /) }]);

      expectAckError(await client.send('run:subscribe', {}), 'VALIDATION_FAILED', ['runId']);
      expectAckError(await client.send('run:subscribe', { runId: 7 }), 'VALIDATION_FAILED', ['runId']);
      expectAckError(await client.send('run:subscribe', { runId: 'r', afterSeq: -1 }), 'VALIDATION_FAILED', ['afterSeq']);
      expectAckError(await client.send('run:subscribe', { runId: 'r', afterSeq: 'later' }), 'VALIDATION_FAILED', ['afterSeq']);
      // A JSON number, as docs/asyncapi.yaml says: digits in a string are not an integer here (a query string's are).
      expectAckError(await client.send('run:subscribe', { runId: 'r', afterSeq: '3' }), 'VALIDATION_FAILED', ['afterSeq']);
      expectAckError(await client.send('run:unsubscribe', { runId: '' }), 'VALIDATION_FAILED', ['runId']);
      expectAckError(await client.send('run:cancel', { run: 'r' }), 'VALIDATION_FAILED', ['runId']);
    });

    it('an unknown run or campaign gets a not-found ack', async () => {
      expectAckError(await client.start({ campaignId: 'no-such-campaign', selectedPlatforms: ['x'] }), 'CAMPAIGN_NOT_FOUND');
      expectAckError(await client.subscribe('no-such-run'), 'RUN_NOT_FOUND');
      expectAckError(await client.cancel('no-such-run'), 'RUN_NOT_FOUND');
      // Idempotent: a run the socket does not follow is not followed afterwards either.
      expect(await client.unsubscribe('no-such-run')).toEqual({ ok: true });
    });

    it('a message over SOCKET_MAX_MESSAGE_BYTES gets a PAYLOAD_TOO_LARGE ack and keeps the connection', async () => {
      const huge = 'h'.repeat(150 * 1024);
      const oversized = runInput();
      oversized.campaign.brief.productDetails = huge;
      expectAckError(await client.start(oversized), 'PAYLOAD_TOO_LARGE');
      expectAckError(await client.send('run:subscribe', { runId: huge }), 'PAYLOAD_TOO_LARGE');
      expectAckError(await client.send('run:cancel', { runId: huge }), 'PAYLOAD_TOO_LARGE');
      expect(client.connected).toBe(true);
    });

    it('messages without an acknowledgement callback crash nothing', async () => {
      client.socket.emit('run:start', 'no ack');
      client.socket.emit('run:start', { campaignId: 'no-such-campaign', selectedPlatforms: ['x'] });
      client.socket.emit('run:subscribe', { runId: 'no-such-run' });
      client.socket.emit('run:cancel', { runId: 'h'.repeat(150 * 1024) });
      client.socket.emit('run:unsubscribe');
      client.socket.emit('run:unknown-message', { anything: true });
      expectAckError(await client.subscribe('still-no-such-run'), 'RUN_NOT_FOUND');
      expect((await app.http('GET', '/api/health/live')).status).toBe(200);
    });

    it('after all of it the same socket is still connected and starts a run', async () => {
      expect(client.connected).toBe(true);
      expect(disconnects).toBe(0);
      const { runId } = await client.startOk(runInput());
      expectCompleteStream(await client.untilTerminal(runId), runId);
      expect(client.connected).toBe(true);
    });
  });

  describe('bodies that break parsers', () => {
    /** `levels` arrays nested in one another: a few bytes each, far under the size limits. */
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    let roomy: E2eApp;
    let client: RunSocket;
    beforeAll(async () => {
      roomy = await startApp();
      client = await roomy.connect();
    });
    afterAll(() => roomy?.close());

    it('deeply nested JSON is a 400 (REST) and a VALIDATION_FAILED ack (socket), never a stack overflow', async () => {
      const raw = `{"campaign":${nested(4000)},"selectedPlatforms":["x"]}`;
      const rest = await roomy.http('POST', '/api/runs', { raw });
      expectProblem(rest, 400, 'VALIDATION_FAILED', ['(body)']);
      expect(messageOf(rest, '(body)')).toBe('nests deeper than 32 levels');

      const ack = await client.start(JSON.parse(raw));
      expectAckError(ack, 'VALIDATION_FAILED', ['(payload)']);
      expectAckError(await client.send('run:unsubscribe', { runId: JSON.parse(nested(4000)) }), 'VALIDATION_FAILED');
      // A realistic depth still passes.
      expect((await roomy.http('POST', '/api/runs', { json: runInput() })).status).toBe(202);
    });

    it('prototype keys are stripped alike on both paths: a nested constructor key is a validation matter, not a crash', async () => {
      expectAckError(await client.send('run:unsubscribe', { a: { constructor: 1 } }), 'VALIDATION_FAILED', ['runId']);
      expectProblem(await roomy.http('POST', '/api/runs', { json: { a: { constructor: 1 } } }), 400, 'VALIDATION_FAILED', ['campaign']);
      const withConstructor = runInput();
      Object.assign(withConstructor.campaign.brief, { constructor: { prototype: 1 } });
      expect((await roomy.http('POST', '/api/runs', { json: withConstructor })).status).toBe(202);
      expect(await client.start(withConstructor)).toEqual(expect.objectContaining({ ok: true }));
    });

    it.each([
      ['an unknown Content-Encoding', { 'content-encoding': 'xyz' }, '{}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['gzip over bytes that are not gzip', { 'content-encoding': 'gzip' }, 'plain', 400, 'VALIDATION_FAILED'],
      ['an unknown charset', { 'content-type': 'application/json; charset=klingon' }, '{}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ])('%s is answered with a client error (4xx problem detail), not a 500', async (_name, headers, raw, status, code) => {
      expectProblem(await roomy.http('POST', '/api/runs', { raw, headers }), status, code);
    });
  });

  describe('limits per socket', () => {
    let limited: E2eApp;
    let capped: E2eApp;
    beforeAll(async () => {
      [limited, capped] = await Promise.all([startApp({ SOCKET_MESSAGES_PER_SECOND: '5' }), startApp({ SOCKET_MAX_SUBSCRIPTIONS: '2', OFFLINE_LATENCY_MS: '20000' })]);
    });
    afterAll(() => Promise.all([limited?.close(), capped?.close()]));

    it('answers messages past SOCKET_MESSAGES_PER_SECOND with RATE_LIMITED without running them, and takes messages again a second later', async () => {
      const client = await limited.connect();
      const acks = await Promise.all(Array.from({ length: 8 }, () => client.subscribe('no-such-run')));

      expect(acks.map((ack) => (ack.ok ? 'ok' : ack.error.code))).toEqual([...Array(5).fill('RUN_NOT_FOUND'), ...Array(3).fill('RATE_LIMITED')]);
      await client.until(() => false, 'nothing', 1100).catch(() => undefined);
      expectAckError(await client.subscribe('no-such-run'), 'RUN_NOT_FOUND');
      // Another socket has its own budget.
      expectAckError(await (await limited.connect()).subscribe('no-such-run'), 'RUN_NOT_FOUND');
      expect(client.connected).toBe(true);
    });

    it('refuses to follow more than SOCKET_MAX_SUBSCRIPTIONS runs at once, and follows one more once it unsubscribed', async () => {
      const starts = await Promise.all([1, 2, 3].map(() => capped.http('POST', '/api/runs', { json: runInput() })));
      const [first, second, third] = starts.map((answer) => (answer.body as { runId: string }).runId);
      const client = await capped.connect();

      expect(await client.subscribe(first)).toMatchObject({ ok: true });
      expect(await client.subscribe(second)).toMatchObject({ ok: true });
      // Subscribing again to a run it follows replaces that subscription.
      expect(await client.subscribe(second)).toMatchObject({ ok: true });
      expectAckError(await client.subscribe(third), 'TOO_MANY_SUBSCRIPTIONS');
      expectAckError(await client.start(runInput()), 'TOO_MANY_SUBSCRIPTIONS');

      expect(await client.unsubscribe(first)).toMatchObject({ ok: true });
      expect(await client.subscribe(third)).toMatchObject({ ok: true });
      for (const runId of [first, second, third]) await capped.http('POST', `/api/runs/${runId}/cancel`);
    });
  });
});
