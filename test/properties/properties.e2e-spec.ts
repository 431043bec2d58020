import fc from 'fast-check';
import { runInput } from '../support/e2e-app';
import { expectCompleteStream } from '../support/e2e-streams';
import { casesOf, fuzzParameters, timeoutFor } from './fuzz-config';
import { FuzzWorld } from './fuzz-world';
import { raceOnLiveRun } from './live-run';
import { liveRunCase } from './live-run.arbitraries';
import { send, type RawRequest } from './raw-http';
import { crossTenantRequest, headerRequest, pathParamRequest, queryRequest, startBodyRequest } from './rest-requests.arbitraries';
import { crossTenantMessage, handshakeAuth, socketMessage } from './socket.arbitraries';

/**
 * The property tier: generated REST requests (bodies, path parameters, queries, headers) and
 * socket messages against one app. Whatever the input: never a 5xx (nor its socket equivalent),
 * every error a problem detail or an acknowledgement with an ErrorCode, no acknowledgement
 * missing, nothing unhandled in the process, no error logged; and the server healthy afterwards.
 * Case counts: fuzz-config.ts (`FUZZ_RUNS`, `FUZZ_SEED`).
 */
describe('Properties of every input (e2e)', () => {
  const world = new FuzzWorld();
  beforeAll(() => world.start(), 60_000);
  afterAll(() => world.stop());
  /** The property of a generated request: its answer is safe (`FuzzWorld.request` throws otherwise). */
  const answeredSafely = (request: RawRequest) => world.request(request).then(() => undefined);

  describe('REST', () => {
    it(
      `run-start bodies, valid and mutated, to the three start routes: never a 5xx, every error a problem detail (${casesOf('startBodies')} cases)`,
      async () => {
        await fc.assert(fc.asyncProperty(startBodyRequest(world.known), answeredSafely), fuzzParameters('startBodies'));
      },
      timeoutFor('startBodies', 60),
    );

    it(
      `odd path parameters and methods on every route (${casesOf('pathParams')} cases)`,
      async () => {
        await fc.assert(fc.asyncProperty(pathParamRequest(world.known), answeredSafely), fuzzParameters('pathParams'));
      },
      timeoutFor('pathParams', 60),
    );

    it(
      `odd query strings, Accept and Last-Event-ID on the routes that read them (${casesOf('queries')} cases)`,
      async () => {
        // Found by this property: a continuation token whose offset is an integer past 2^53 (here 1e300) was a 500 (SQLite: datatype mismatch).
        const hugeOffset: RawRequest = {
          method: 'GET',
          path: `/api/campaigns?continuationToken=${Buffer.from('{"offset":1e300}').toString('base64url')}`,
          headers: { authorization: `Bearer ${world.known.tokenA}` },
        };
        await fc.assert(
          fc.asyncProperty(queryRequest(world.known), answeredSafely),
          fuzzParameters<[RawRequest]>('queries', [[hugeOffset]]),
        );
      },
      timeoutFor('queries', 60),
    );

    it(
      `odd Content-Type, charset, Content-Encoding, Authorization and Accept on every route (${casesOf('headers')} cases)`,
      async () => {
        await fc.assert(fc.asyncProperty(headerRequest(world.known), answeredSafely), fuzzParameters('headers'));
      },
      timeoutFor('headers', 80),
    );

    it(
      `another tenant's records answer 404 on every route, in both directions, and not-found on the socket (${casesOf('isolation')} cases)`,
      async () => {
        const [runA1, runA2, runB] = world.known.runIds;
        const [campaignA1, campaignA2, campaignB] = world.known.campaignIds;
        const records = { a: { runIds: [runA1, runA2], campaignIds: [campaignA1, campaignA2] }, b: { runIds: [runB], campaignIds: [campaignB] } };
        const rest = fc.oneof(crossTenantRequest(records.a, world.known.tokenB), crossTenantRequest(records.b, world.known.tokenA));
        const cases = fc.oneof(rest.map((request) => ({ request })), crossTenantMessage(records).map((message) => ({ message })));
        await fc.assert(
          fc.asyncProperty(cases, async (input) => {
            if ('message' in input) return world.emitCrossTenant(input.message);
            const answer = await world.request(input.request);
            if (answer.status !== 404) throw new Error(`${input.request.method} ${input.request.path} as the other tenant answered ${answer.status}: ${answer.text}`);
          }),
          fuzzParameters('isolation'),
        );
      },
      timeoutFor('isolation', 60),
    );
  });

  describe('Socket.IO', () => {
    it(
      `run:start, run:subscribe, run:unsubscribe, run:cancel and unknown events, with and without acknowledgements (${casesOf('socketMessages')} cases)`,
      async () => {
        const messages = fc.tuple(fc.constantFrom<'a' | 'b'>('a', 'a', 'a', 'b'), fc.array(socketMessage(world.known), { minLength: 1, maxLength: 4 }));
        await fc.assert(fc.asyncProperty(messages, ([tenant, batch]) => world.emit(tenant, batch)), fuzzParameters('socketMessages'));
      },
      timeoutFor('socketMessages', 80),
    );

    it(
      `handshakes with odd auth connect with a tenant's token and are refused with UNAUTHORIZED otherwise (${casesOf('handshakes')} cases)`,
      async () => {
        await fc.assert(fc.asyncProperty(handshakeAuth(world.known), (auth) => world.handshake(auth)), fuzzParameters('handshakes'));
      },
      timeoutFor('handshakes', 100),
    );
  });

  describe('live runs', () => {
    it(
      `streams read and dropped, replays, subscriptions, cancels and second starts, concurrently, on a run while it runs (${casesOf('liveRuns')} cases)`,
      async () => {
        await fc.assert(fc.asyncProperty(liveRunCase, (liveRun) => raceOnLiveRun(world, liveRun)), fuzzParameters('liveRuns'));
      },
      timeoutFor('liveRuns', 2000),
    );
  });

  describe('afterwards', () => {
    it('every run an input started has ended', async () => {
      for (const { runId, authorization } of world.started) await world.untilEnded(runId, authorization);
    }, 60_000);

    it('the server is ready and a normal run still completes', async () => {
      expect((await send(world.baseUrl, { method: 'GET', path: '/api/health/ready', headers: {} })).status).toBe(200);
      const client = await world.connectA();
      const { runId } = await client.startOk(runInput());
      const events = await client.untilTerminal(runId);
      expectCompleteStream(events, runId);
      expect(events[events.length - 1].state).toBe('Completed');
    }, 30_000);

    it('the fuzzed sockets were never disconnected, and the process saw no unhandled rejection, uncaught exception or error log line', () => {
      expect(world.disconnects).toEqual([]);
      expect(world.watch.seen).toEqual([]);
    });
  });
});
