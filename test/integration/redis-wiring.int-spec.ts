import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../src/config/app-config';
import { aBrief } from '../../src/agents/testing/fixtures';
import { validateRunRequest, withIds } from '../../src/orchestration/validate-request';
import { SqliteRunRepository } from '../../src/persistence/adapters/sqlite-run.repository';
import { BullMqRunQueue } from '../../src/runs/adapters/bullmq-run-queue';
import { InProcessRunEventBus } from '../../src/runs/adapters/in-process-run-event-bus';
import { InProcessRunQueue } from '../../src/runs/adapters/in-process-run-queue';
import { closeConnection, redactedUrl } from '../../src/runs/adapters/redis-connection';
import { RedisRunEventBus } from '../../src/runs/adapters/redis-run-event-bus';
import type { RunEventBus } from '../../src/runs/run-event-bus';
import { runEventBusProvider } from '../../src/runs/run-event-bus.provider';
import type { RunExecutor } from '../../src/runs/run-executor';
import { runQueueProvider } from '../../src/runs/run-queue.provider';
import { TenantLimits } from '../../src/runs/tenant-limits';
import { eventually } from '../support/e2e-app';
import { freePort, RedisTestServer } from '../support/redis-test-server';

const redis = new RedisTestServer();
beforeAll(() => redis.start());
afterAll(() => redis.stop());

const repository = new SqliteRunRepository(':memory:');
afterAll(() => repository.close());

/** The configuration of one node: Redis at `url` (none without), the given limits. */
function configFor(url: string | undefined, tenants: AppConfig['tenants'] = { startsPerMinute: 0, maxActiveRuns: 0 }, connectTimeoutMs = 10_000): AppConfig {
  return { redis: url ? { url, prefix: 'wiring', connectTimeoutMs } : undefined, tenants, runs: { concurrency: 2, leaseMs: 1000 } } as AppConfig;
}

/** A node's limits, started as Nest starts the module; stopped after the test. */
const limiters: TenantLimits[] = [];
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((l) => l.onApplicationShutdown()));
});
async function limitsOf(config: AppConfig): Promise<TenantLimits> {
  const limits = new TenantLimits(repository, config);
  limiters.push(limits);
  await limits.onModuleInit();
  return limits;
}

/** A client of the test server for the test's own look at Redis, closed after the test. */
const clients: Redis[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit()));
});
function client(): Redis {
  const redisClient = new Redis(redis.url);
  clients.push(redisClient);
  return redisClient;
}

const refusal = (limits: TenantLimits, tenant: string) => limits.admitStart(tenant).then(() => undefined, (error: unknown) => error);

describe('Per-tenant start limits over Redis', () => {
  it('share one budget between nodes, per tenant, and name the limit and the seconds to wait', async () => {
    const config = configFor(redis.url, { startsPerMinute: 3, maxActiveRuns: 0 });
    const [one, other] = await Promise.all([limitsOf(config), limitsOf(config)]);
    await one.admitStart('tenant-shared');
    await other.admitStart('tenant-shared');
    await one.admitStart('tenant-shared');

    const refused = await refusal(other, 'tenant-shared');
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', message: 'The tenant may start 3 runs a minute' });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(60);
    await expect(one.admitStart('tenant-apart')).resolves.toBeUndefined();
    expect(await client().keys('wiring:tenant-starts*').then((keys) => keys.sort())).toEqual(['wiring:tenant-starts:tenant-apart', 'wiring:tenant-starts:tenant-shared']);
  });

  it('fall back to a budget per node while Redis does not answer', async () => {
    const config = configFor(`redis://127.0.0.1:${await freePort()}`, { startsPerMinute: 2, maxActiveRuns: 0 });
    const [one, other] = await Promise.all([limitsOf(config), limitsOf(config)]);
    for (const node of [one, other]) {
      await node.admitStart('tenant-offline');
      await node.admitStart('tenant-offline');
    }
    expect(await refusal(one, 'tenant-offline')).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('admit every start without a budget, and never connect for it', async () => {
    const limits = await limitsOf(configFor(`redis://127.0.0.1:${await freePort()}`));
    for (let i = 0; i < 50; i++) await limits.admitStart('tenant-free');
  });
});

describe('The adapters the configuration asks for', () => {
  const executor = { claim: { owner: 'node-a', leaseMs: 1000 } } as unknown as RunExecutor;

  it('without REDIS_URL: this process alone (in-process queue and bus)', async () => {
    expect(runQueueProvider.useFactory(configFor(undefined), repository, executor)).toBeInstanceOf(InProcessRunQueue);
    expect(await runEventBusProvider.useFactory(configFor(undefined))).toBeInstanceOf(InProcessRunEventBus);
  });

  it('with REDIS_URL: BullMQ under the prefix, and a bus subscribed before the node serves', async () => {
    const queue = runQueueProvider.useFactory(configFor(redis.url), repository, executor) as BullMqRunQueue;
    expect(queue).toBeInstanceOf(BullMqRunQueue);
    const request = withIds(validateRunRequest({ campaignId: 'c-1', brief: aBrief(), selectedPlatforms: ['x'] }), 'c-1', 'run-wired');
    await queue.enqueue({ tenantId: 't', request });
    expect(await client().exists('wiring:bull:runs:run-wired')).toBe(1);
    expect((await queue.withdraw('run-wired'))?.request.runId).toBe('run-wired');
    const connections = (await client().client('LIST')) as string;
    expect(connections).toContain('name=campaign-orchestrator:queue ');
    expect(connections).toContain('name=campaign-orchestrator:worker');
    await queue.beforeApplicationShutdown();
    await queue.onApplicationShutdown();

    const bus = (await runEventBusProvider.useFactory(configFor(redis.url))) as RunEventBus;
    expect(bus).toBeInstanceOf(RedisRunEventBus);
    const names = (await client().client('LIST')) as string;
    expect(names).toContain('name=campaign-orchestrator:bus-subscriber');
    expect(names).toContain('name=campaign-orchestrator:bus ');
    await (bus as RedisRunEventBus).disconnect();
  });

  it('with a Redis that does not answer: the boot fails after REDIS_CONNECT_TIMEOUT_MS, naming it without its password, and closes its connections', async () => {
    // Accepts connections, reads every command and never answers one.
    const held = new Set<Socket>();
    const silent = createServer((socket) => {
      held.add(socket);
      socket.once('close', () => held.delete(socket)).resume();
    });
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      await expect(runEventBusProvider.useFactory(configFor(`redis://default:s3cret@127.0.0.1:${port}`, undefined, 300))).rejects.toThrow(
        `Redis at redis://default:***@127.0.0.1:${port} did not answer within 300 ms`,
      );
      expect(Date.now() - started).toBeLessThan(5000);
      await eventually(async () => (held.size === 0 ? true : undefined), 'the bus to close its connections');
    } finally {
      held.forEach((socket) => socket.destroy());
      await new Promise((closed) => silent.close(closed));
    }
  });

  it('hides the password of a Redis URL in messages', () => {
    expect(redactedUrl('rediss://default:s3cret@cache.example.com:6380')).toBe('rediss://default:***@cache.example.com:6380');
    expect(redactedUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});

describe(closeConnection.name, () => {
  it('quits a ready connection after the answers to the commands sent before', async () => {
    const connection = new Redis(redis.url);
    await connection.ping();
    // Redis answers it in 200 ms (nothing to pop): a connection dropped at once would lose the answer.
    const answer = connection.blpop('close-connection', 0.2);

    await closeConnection(connection);

    await expect(answer).resolves.toBeNull();
  });

  it('drops a connection that is not ready at once, without waiting for Redis', async () => {
    // Accepts the connection, and never answers its ready check.
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    const connection = new Redis({ host: '127.0.0.1', port: (silent.address() as AddressInfo).port });
    try {
      await new Promise((connected) => connection.once('connect', connected));
      const started = performance.now();

      await closeConnection(connection);

      // A QUIT would wait for its (missing) answer for a second.
      expect(performance.now() - started).toBeLessThan(500);
      await eventually(async () => (connection.status === 'end' ? true : undefined), 'the connection ended');
    } finally {
      silent.close();
    }
  });
});
