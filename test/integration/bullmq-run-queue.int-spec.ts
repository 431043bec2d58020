import { Redis } from 'ioredis';
import { SqliteRunRepository } from '../../src/persistence/adapters/sqlite-run.repository';
import { validateRunRequest, withIds } from '../../src/orchestration/validate-request';
import { BullMqRunQueue } from '../../src/runs/adapters/bullmq-run-queue';
import type { RunExecutor, RunExit, StoredRunRequest } from '../../src/runs/run-executor';
import { eventually } from '../support/e2e-app';
import { RedisTestServer } from '../support/redis-test-server';
import { newCampaign, newRun } from '../support/run-fixtures';

const redis = new RedisTestServer();
beforeAll(() => redis.start());
afterAll(() => redis.stop());

const LEASE_MS = 1000;
const TENANT = 'tenant-a';

/**
 * A worker of one node over a real redis-server and an in-memory SQLite store, with an executor
 * that answers each execution with the next of `exits` and records what it was given.
 */
async function setup(prefix: string, exits: RunExit[]) {
  const repository = new SqliteRunRepository(':memory:');
  const executions: { runId: string; epoch: number }[] = [];
  const executor = {
    claim: { owner: 'node-a', leaseMs: LEASE_MS },
    execute: async (_tenant: string, request: StoredRunRequest, epoch: number) => {
      executions.push({ runId: request.runId, epoch });
      return exits.shift() ?? 'ended';
    },
  } as unknown as RunExecutor;
  const queue = new BullMqRunQueue(new Redis(redis.url), new Redis(redis.url, { maxRetriesPerRequest: null }), repository, executor, { prefix, concurrency: 2, leaseMs: LEASE_MS });
  queue.onApplicationBootstrap();
  const campaign = await repository.createCampaign(newCampaign(TENANT));
  const run = await repository.createRun(newRun(TENANT, campaign.id));
  const request = withIds(validateRunRequest({ campaignId: campaign.id, brief: campaign.brief, selectedPlatforms: ['x'] }), campaign.id, run.id);
  const close = async () => {
    await queue.beforeApplicationShutdown();
    await queue.onApplicationShutdown();
    await repository.close();
  };
  return { queue, repository, executions, request, runId: run.id, close };
}

describe(BullMqRunQueue.name, () => {
  it('executes a queued run once, on a worker that claimed it at epoch 1', async () => {
    const { queue, executions, request, runId, close } = await setup('once', ['ended']);
    try {
      await queue.enqueue({ tenantId: TENANT, request });
      await queue.enqueue({ tenantId: TENANT, request });
      await eventually(async () => (executions.length > 0 ? true : undefined), 'the execution');

      expect(executions).toEqual([{ runId, epoch: 1 }]);
    } finally {
      await close();
    }
  });

  it.each<RunExit>(['lost', 'handedBack'])('puts a run that left the node (%s) while its job was still held back in the queue, where it is claimed again and taken over', async (exit) => {
    const { queue, executions, request, runId, close } = await setup(`again-${exit}`, [exit, 'ended']);
    try {
      await queue.enqueue({ tenantId: TENANT, request });
      await eventually(async () => (executions.length >= 2 ? true : undefined), 'the second execution', 10_000);

      // A run is never left queued for nobody: a loss that was not one (no other node claimed it) goes on.
      expect(executions).toEqual([
        { runId, epoch: 1 },
        { runId, epoch: 2 },
      ]);
    } finally {
      await close();
    }
  });

  it('withdraws a run no worker has started, validated again as it comes back from Redis', async () => {
    const { queue, request, close } = await setup('withdraw', []);
    await queue.beforeApplicationShutdown();
    try {
      await queue.enqueue({ tenantId: TENANT, request });
      const withdrawn = await queue.withdraw(request.runId);

      expect(withdrawn).toEqual({ tenantId: TENANT, request });
      expect(await queue.withdraw(request.runId)).toBeUndefined();
    } finally {
      await close();
    }
  });
});
