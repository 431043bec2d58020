import { Redis } from 'ioredis';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { RedisRunEventBus } from '../../src/runs/adapters/redis-run-event-bus';
import { runEventBusContract } from '../contracts/run-event-bus.contract';
import { eventually } from '../support/e2e-app';
import { freePort, RedisTestServer } from '../support/redis-test-server';

const redis = new RedisTestServer();
let prefixes = 0;

beforeAll(() => redis.start());
afterAll(() => redis.stop());

/** One node's bus on the test server: its own publisher and subscriber connections. */
async function node(prefix: string): Promise<RedisRunEventBus> {
  const bus = new RedisRunEventBus(new Redis(redis.url), new Redis(redis.url), prefix);
  await bus.connect();
  return bus;
}

/** The bus's warnings, silenced and recorded. */
const warningsOf = (bus: RedisRunEventBus) => jest.spyOn((bus as unknown as { logger: { warn: (message: string) => void } }).logger, 'warn').mockImplementation(() => undefined);

/** An event of `runId`. */
const anEvent = (runId: string, seq: number, state: 'Queued' | 'GeneratingCopy' | 'Failed' | 'Completed') => ({ eventId: `${runId}-e${seq}`, runId, campaignId: 'c', seq, state, attempt: 1, message: '', timestamp: new Date().toISOString() });

runEventBusContract('Redis pub/sub, two nodes', async () => {
  const prefix = `test-${++prefixes}`;
  const [executing, serving] = await Promise.all([node(prefix), node(prefix)]);
  return { executing, serving, teardown: () => Promise.all([executing.disconnect(), serving.disconnect()]).then(() => undefined) };
});

describe(RedisRunEventBus.name, () => {
  it('keeps deployments apart by prefix', async () => {
    const [one, other] = await Promise.all([node('deployment-a'), node('deployment-b')]);
    try {
      const received = lastValueFrom(other.live('run-1').pipe(toArray()));
      const cancelled: string[] = [];
      other.onCancel((runId) => cancelled.push(runId));
      one.open('run-1', 't');
      one.publish({ eventId: 'e1', runId: 'run-1', campaignId: 'c', seq: 1, state: 'Completed', attempt: 1, message: '', timestamp: new Date().toISOString() });
      await one.requestCancel('run-1');
      // The same run id on the other deployment's own channel proves the channel still works.
      const ownEvent = firstValueFrom(other.live('run-2'));
      other.open('run-2', 't');
      other.publish({ eventId: 'e2', runId: 'run-2', campaignId: 'c', seq: 1, state: 'Queued', attempt: 1, message: '', timestamp: new Date().toISOString() });
      await ownEvent;
      other.close('run-1');

      expect(await received).toEqual([]);
      expect(cancelled).toEqual([]);
    } finally {
      await Promise.all([one.disconnect(), other.disconnect()]);
    }
  });

  it('drops a malformed message, saying so, and goes on', async () => {
    const bus = await node('malformed');
    const warned = warningsOf(bus);
    const raw = new Redis(redis.url);
    try {
      const received = lastValueFrom(bus.live('run-1').pipe(toArray()));
      await raw.publish('malformed:runs', 'e|run-1|{not json');
      bus.open('run-1', 't');
      bus.publish({ eventId: 'e1', runId: 'run-1', campaignId: 'c', seq: 1, state: 'Failed', attempt: 1, message: '', timestamp: new Date().toISOString() });

      expect((await received).map((e) => e.eventId)).toEqual(['e1']);
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(/^Dropped a malformed message on malformed:runs: SyntaxError/));
    } finally {
      raw.disconnect();
      await bus.disconnect();
    }
  });

  it('tells its subscribers when its subscription is back after a break, and delivers what is published after that', async () => {
    const [executing, serving] = await Promise.all([node('reconnect'), node('reconnect')]);
    const warned = warningsOf(serving);
    const admin = new Redis(redis.url);
    try {
      const event = (seq: number) => ({ eventId: `e${seq}`, runId: 'run-1', campaignId: 'c', seq, state: seq === 3 ? 'Completed' : 'Queued', attempt: 1, message: '', timestamp: new Date().toISOString() }) as const;
      const received = lastValueFrom(serving.live('run-1').pipe(toArray()));
      executing.open('run-1', 't');
      const reconnected = firstValueFrom(serving.reconnected$);

      // Every subscriber connection is dropped; ioredis connects again and subscribes again.
      expect(Number(await admin.client('KILL', 'TYPE', 'pubsub'))).toBeGreaterThanOrEqual(2);
      await reconnected;
      executing.publish(event(1));
      executing.publish(event(3));

      expect((await received).map((e) => e.seq)).toEqual([1, 3]);
      expect(warned).toHaveBeenCalledWith('Subscribed again to reconnect:runs after a break; live subscribers catch up from the store');
    } finally {
      admin.disconnect();
      await Promise.all([executing.disconnect(), serving.disconnect()]);
    }
  });

  it('sends the events of a run published in one turn (a stored batch) in one PUBLISH, in order', async () => {
    const [executing, serving] = await Promise.all([node('batches'), node('batches')]);
    const raw = new Redis(redis.url);
    try {
      const messages: string[] = [];
      await raw.subscribe('batches:runs');
      raw.on('message', (_channel: string, message: string) => messages.push(message));
      const event = (seq: number, state: 'Queued' | 'GeneratingCopy' | 'Completed') => ({ eventId: `e${seq}`, runId: 'run-1', campaignId: 'c', seq, state, attempt: 1, message: '', timestamp: new Date().toISOString() });
      const received = lastValueFrom(serving.live('run-1').pipe(toArray()));
      executing.open('run-1', 't');

      [event(1, 'Queued'), event(2, 'GeneratingCopy'), event(3, 'GeneratingCopy')].forEach((e) => executing.publish(e));
      await new Promise((resolve) => setTimeout(resolve, 0));
      executing.publish(event(4, 'Completed'));

      expect((await received).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      await eventually(async () => (messages.length >= 2 ? true : undefined), 'both messages at the raw subscriber');
      expect(messages.map((m) => (JSON.parse(m.slice(m.indexOf('|', 2) + 1)) as { seq: number }[]).map((e) => e.seq))).toEqual([[1, 2, 3], [4]]);
    } finally {
      raw.disconnect();
      await Promise.all([executing.disconnect(), serving.disconnect()]);
    }
  });

  it('says nothing of a reconnection when it first connects', async () => {
    const bus = new RedisRunEventBus(new Redis(redis.url), new Redis(redis.url), 'first');
    let reconnections = 0;
    bus.reconnected$.subscribe(() => reconnections++);
    try {
      await bus.connect();
      const arrived = firstValueFrom(bus.live('run-1'));
      bus.open('run-1', 't');
      bus.publish(anEvent('run-1', 1, 'Queued'));
      await arrived;

      expect(reconnections).toBe(0);
    } finally {
      await bus.disconnect();
    }
  });

  it('reads only the events of runs with subscribers here', async () => {
    const bus = await node('unwatched');
    const warned = warningsOf(bus);
    const raw = new Redis(redis.url);
    try {
      const arrived = firstValueFrom(bus.live('run-1'));
      // Not valid JSON, but of a run nobody here follows: it is not even parsed.
      await raw.publish('unwatched:runs', 'e|run-2|{not json');
      await raw.publish('unwatched:runs', 'c|run-2');
      bus.open('run-1', 't');
      bus.publish(anEvent('run-1', 1, 'Queued'));
      await arrived;

      expect(warned).not.toHaveBeenCalled();
    } finally {
      raw.disconnect();
      await bus.disconnect();
    }
  });

  it('delivers the end of a run it does not execute (the recovery sweep publishes it) to every node', async () => {
    const [sweeping, serving] = await Promise.all([node('recovery'), node('recovery')]);
    try {
      const received = lastValueFrom(serving.live('run-1').pipe(toArray()));
      sweeping.publish(anEvent('run-1', 4, 'Failed'));

      expect((await received).map((e) => e.state)).toEqual(['Failed']);
    } finally {
      await Promise.all([sweeping.disconnect(), serving.disconnect()]);
    }
  });

  it('answers a ping while Redis answers, and fails it while Redis is not there', async () => {
    const bus = await node('ping');
    const port = await freePort();
    const unreachable = () => new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const cut = new RedisRunEventBus(unreachable(), unreachable(), 'ping');
    try {
      await expect(bus.ping()).resolves.toBeUndefined();
      await expect(cut.ping()).rejects.toThrow();
    } finally {
      await Promise.all([bus.disconnect(), cut.disconnect()]);
    }
  });

  it('ends its live subscriptions and closes its connections on shutdown', async () => {
    const publisher = new Redis(redis.url);
    const subscriber = new Redis(redis.url);
    const bus = new RedisRunEventBus(publisher, subscriber, 'shutdown');
    await bus.connect();
    const received = lastValueFrom(bus.live('run-1').pipe(toArray()));

    await bus.onApplicationShutdown();

    expect(await received).toEqual([]);
    await eventually(async () => (publisher.status === 'end' && subscriber.status === 'end' ? true : undefined), 'both connections closed');
  });
});
