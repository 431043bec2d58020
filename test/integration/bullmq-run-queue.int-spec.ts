import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { OrchestrationEvent } from '@app/contracts';
import { SqliteRunRepository } from '../../src/persistence/adapters/sqlite-run.repository';
import { validateRunRequest, withIds } from '../../src/orchestration/validate-request';
import { BullMqRunQueue } from '../../src/runs/adapters/bullmq-run-queue';
import type { RunExecutor, RunExit, StoredRunRequest } from '../../src/runs/run-executor';
import { eventually } from '../support/e2e-app';
import { RedisTestServer } from '../support/redis-test-server';
import { newCampaign, newRun, progressEvents } from '../support/run-fixtures';

const redis = new RedisTestServer();
beforeAll(() => redis.start());
afterAll(() => redis.stop());

const LEASE_MS = 1000;
const TENANT = 'tenant-a';
/** The queue's name in Redis (under `<prefix>:bull`). */
const QUEUE_NAME = 'runs';

/**
 * A worker of one node over a real redis-server and an in-memory SQLite store, with an executor
 * that answers each execution with the next of `exits` and records what it was given.
 */
async function setup(prefix: string, exits: RunExit[], concurrency = 2) {
  const repository = new SqliteRunRepository(':memory:');
  const executions: { runId: string; epoch: number; stored?: number; at: number }[] = [];
  const executor = {
    claim: { owner: 'node-a', leaseMs: LEASE_MS },
    execute: async (_tenant: string, request: StoredRunRequest, epoch: number, _signal: AbortSignal | undefined, stored: readonly OrchestrationEvent[]) => {
      executions.push({ runId: request.runId, epoch, ...(stored.length > 0 ? { stored: stored.length } : {}), at: performance.now() });
      return exits.shift() ?? 'ended';
    },
  } as unknown as RunExecutor;
  const connections = [new Redis(redis.url), new Redis(redis.url, { maxRetriesPerRequest: null })] as const;
  const queue = new BullMqRunQueue(...connections, repository, executor, { prefix, concurrency, leaseMs: LEASE_MS });
  queue.onApplicationBootstrap();
  const campaign = await repository.createCampaign(newCampaign(TENANT));
  const run = await repository.createRun(newRun(TENANT, campaign.id));
  const request = withIds(validateRunRequest({ campaignId: campaign.id, brief: campaign.brief, selectedPlatforms: ['x'] }), campaign.id, run.id);
  const warned = jest.spyOn((queue as unknown as { logger: { warn: (message: string) => void } }).logger, 'warn').mockImplementation(() => undefined);
  // The queue as another client sees it in Redis.
  const observer = new Redis(redis.url);
  const jobs = new Queue(QUEUE_NAME, { connection: observer, prefix: `${prefix}:bull` });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await queue.beforeApplicationShutdown();
    await queue.onApplicationShutdown();
    await jobs.close();
    await observer.quit();
    await repository.close();
  };
  return { queue, repository, executions, request, runId: run.id, campaign, jobs, warned, connections, close };
}

/** The executions without their times. */
const executed = (executions: Awaited<ReturnType<typeof setup>>['executions']) => executions.map(({ at: _at, ...execution }) => execution);

describe(BullMqRunQueue.name, () => {
  it('executes a queued run once, on a worker that claimed it at epoch 1', async () => {
    const { queue, executions, request, runId, jobs, connections, close } = await setup('once', ['ended']);
    try {
      await queue.enqueue({ tenantId: TENANT, request });
      await queue.enqueue({ tenantId: TENANT, request });
      await eventually(async () => (executions.length > 0 ? true : undefined), 'the execution');
      await eventually(async () => (Object.values(await jobs.getJobCounts('waiting', 'active')).every((count) => count === 0) ? true : undefined), 'the job done');

      expect(executed(executions)).toEqual([{ runId, epoch: 1 }]);
      // Done jobs are not kept in Redis.
      expect(await jobs.getJobCounts('completed')).toEqual({ completed: 0 });
      // Its connections close with it.
      await close();
      await eventually(async () => (connections.every((connection) => connection.status === 'end') ? true : undefined), 'the connections closed');
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
      expect(executed(executions)).toEqual([
        { runId, epoch: 1 },
        { runId, epoch: 2 },
      ]);
      // At once: moved back to the waiting list, not found later as a stalled job once its lock ran out.
      expect(executions[1].at - executions[0].at).toBeLessThan(LEASE_MS * 0.8);
    } finally {
      await close();
    }
  });

  it('takes a run over from its stored events once the lease of the node that held it has run out', async () => {
    const { queue, repository, executions, request, runId, campaign, warned, close } = await setup('takeover', ['ended']);
    try {
      // Another node claimed the run, stored three events and died: its lease runs for 600 ms more.
      const { epoch } = await repository.claimRun(TENANT, runId, { owner: 'node-b', leaseMs: 600 });
      await repository.appendEvents(TENANT, progressEvents({ id: runId, campaignId: campaign.id }).slice(0, 3), epoch);
      await queue.enqueue({ tenantId: TENANT, request });
      await eventually(async () => (executions.length > 0 ? true : undefined), 'the takeover');

      expect(executed(executions)).toEqual([{ runId, epoch: 2, stored: 3 }]);
      expect(warned).toHaveBeenCalledWith(`Run ${runId}: taken over after event 3 (epoch 2)`);
    } finally {
      await close();
    }
  });

  it('completes the job of a run that has ended meanwhile, without executing it', async () => {
    const { queue, repository, executions, request, runId, jobs, close } = await setup('ended', []);
    try {
      await repository.failInterruptedRuns('ended before a worker took it', { runId });
      await queue.enqueue({ tenantId: TENANT, request });
      await eventually(async () => (Object.values(await jobs.getJobCounts('waiting', 'active')).every((count) => count === 0) ? true : undefined), 'the job done');

      expect(await jobs.getJobCounts('failed')).toEqual({ failed: 0 });
      expect(executed(executions)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('ends the run of a job that fails (its request is not valid any more) as failed, naming why', async () => {
    const { queue, repository, executions, request, runId, warned, close } = await setup('invalid', []);
    try {
      await queue.enqueue({ tenantId: TENANT, request: { ...request, selectedPlatforms: ['myspace' as 'x'] } });
      const run = await eventually(async () => {
        const stored = await repository.getRun(TENANT, runId);
        return stored?.status === 'failed' ? stored : undefined;
      }, 'the run failed');

      expect(run.errors[0].message).toMatch(/^The run could not be executed: .*selectedPlatforms/);
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`^Run ${runId}: its job failed: .*selectedPlatforms`)));
      expect(executed(executions)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('serves a node without workers (RUN_CONCURRENCY=0): its runs wait in the queue for another node', async () => {
    const { queue, executions, request, jobs, close } = await setup('api-only', [], 0);
    try {
      await queue.enqueue({ tenantId: TENANT, request });

      expect(await jobs.getJobCounts('waiting')).toEqual({ waiting: 1 });
      expect(await queue.withdraw(request.runId)).toEqual({ tenantId: TENANT, request });
      expect(executed(executions)).toEqual([]);
      // It takes runs over from others, so no recovery sweep fails them.
      expect(queue.recoversRuns).toBe(true);
    } finally {
      await close();
    }
  });

  it('logs a worker error instead of throwing it', async () => {
    const { queue, warned, close } = await setup('worker-error', []);
    try {
      (queue as unknown as { worker: { emit: (event: string, error: Error) => void } }).worker.emit('error', new Error('connection reset'));
      expect(warned).toHaveBeenCalledWith('Worker: connection reset');
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
