import { LeaseLostError } from '../../src/persistence/store-errors';
import { buildResult, newCampaign, newRun, progressEvents, runEvent, runOutcome } from '../support/run-fixtures';
import { ContractContext, expectConflict, rejectionOf, TENANT_A } from './run-repository.harness';

const NODE_A = { owner: 'node-a', leaseMs: 60_000 };
const NODE_B = { owner: 'node-b', leaseMs: 60_000 };
/** A lease that has expired by the time the next call reaches the store. */
const EXPIRED = (owner: string) => ({ owner, leaseMs: -1_000 });

async function expectLeaseLost(promise: Promise<unknown>): Promise<void> {
  expect(await rejectionOf(promise)).toBeInstanceOf(LeaseLostError);
}

/** Leases: one node holds a run; a claim raises the epoch; writes of an older epoch are refused; recovery spares live leases. */
export function leaseContract(ctx: ContractContext): void {
  describe('leases', () => {
    const queuedRun = async (lease?: { owner: string; leaseMs: number }) => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      return ctx.repo().createRun({ ...newRun(TENANT_A, campaign.id), lease });
    };

    it('creates a run held by its node at epoch 1, which writes with it; another node cannot claim it', async () => {
      const run = await queuedRun(NODE_A);
      const [queued, ...progress] = progressEvents(run);
      await ctx.repo().appendEvents(TENANT_A, [queued], 1);
      await ctx.repo().appendEvents(TENANT_A, progress, 1);

      await expectLeaseLost(ctx.repo().claimRun(TENANT_A, run.id, NODE_B));
      expect((await ctx.repo().listEvents(TENANT_A, run.id, 0)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('lets another node take an expired lease over at the next epoch, and refuses every write of the old one', async () => {
      const run = await queuedRun(EXPIRED('node-a'));
      await ctx.repo().appendEvents(TENANT_A, progressEvents(run).slice(0, 2), 1);

      expect(await ctx.repo().claimRun(TENANT_A, run.id, NODE_B)).toEqual({ runId: run.id, epoch: 2 });

      await expectLeaseLost(ctx.repo().appendEvents(TENANT_A, [runEvent(run, 3, 'GeneratingShortCopy')], 1));
      await expectLeaseLost(ctx.repo().finishRun({ ...runOutcome(TENANT_A, buildResult(run, 'success', []), 3), epoch: 1 }));
      expect((await ctx.repo().listEvents(TENANT_A, run.id, 0)).map((e) => e.seq)).toEqual([1, 2]);
      expect((await ctx.repo().getRun(TENANT_A, run.id))?.status).not.toBe('completed');

      await ctx.repo().appendEvents(TENANT_A, [runEvent(run, 3, 'GeneratingShortCopy')], 2);
      await ctx.repo().finishRun({ ...runOutcome(TENANT_A, buildResult(run, 'success', []), 4), epoch: 2 });
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toMatchObject({ status: 'completed', lastSeq: 4 });
    });

    it('claims a run nobody holds, and the holder may claim its own run again', async () => {
      const run = await queuedRun();

      expect(await ctx.repo().claimRun(TENANT_A, run.id, NODE_A)).toEqual({ runId: run.id, epoch: 1 });
      expect(await ctx.repo().claimRun(TENANT_A, run.id, NODE_A)).toEqual({ runId: run.id, epoch: 2 });
    });

    it('does not claim a finished run or an unknown one', async () => {
      const run = await queuedRun(NODE_A);
      await ctx.repo().finishRun({ ...runOutcome(TENANT_A, buildResult(run, 'success', []), 1), epoch: 1 });

      await expectConflict(ctx.repo().claimRun(TENANT_A, run.id, NODE_A), 'RUN_ALREADY_FINISHED');
      await expectConflict(ctx.repo().claimRun(TENANT_A, 'no-such-run', NODE_A), 'RUN_NOT_FOUND');
    });

    it('renews only the leases its node still holds at their epoch', async () => {
      const kept = await queuedRun(EXPIRED('node-a'));
      const takenOver = await queuedRun(EXPIRED('node-a'));
      await ctx.repo().claimRun(TENANT_A, takenOver.id, NODE_B);

      const renewed = await ctx.repo().renewLeases('node-a', [{ runId: kept.id, epoch: 1 }, { runId: takenOver.id, epoch: 1 }], 60_000);

      expect(renewed).toEqual([kept.id]);
      // Renewed: live again, so nobody else may claim it.
      await expectLeaseLost(ctx.repo().claimRun(TENANT_A, kept.id, NODE_B));
      expect(await ctx.repo().renewLeases('node-a', [], 60_000)).toEqual([]);
    });

    it('releases a lease so that another node claims the run at once, at the next epoch, and refuses the old epoch\'s writes', async () => {
      const run = await queuedRun(NODE_A);
      const other = await queuedRun(NODE_A);

      expect(await ctx.repo().releaseLeases('node-b', [{ runId: run.id, epoch: 1 }])).toEqual([]);
      expect(await ctx.repo().releaseLeases('node-a', [{ runId: run.id, epoch: 1 }])).toEqual([run.id]);

      expect(await ctx.repo().claimRun(TENANT_A, run.id, NODE_B)).toEqual({ runId: run.id, epoch: 2 });
      await expectLeaseLost(ctx.repo().appendEvents(TENANT_A, progressEvents(run).slice(0, 2), 1));
      // The other run is still held.
      await expectLeaseLost(ctx.repo().claimRun(TENANT_A, other.id, NODE_B));
    });

    it('fails at boot only the unfinished runs whose lease expired or that nobody holds, never a live node\'s', async () => {
      const live = await queuedRun(NODE_A);
      const expired = await queuedRun(EXPIRED('node-b'));
      const unheld = await queuedRun();

      const ended = await ctx.repo().failInterruptedRuns('The server stopped');

      expect(ended.map(({ run }) => run.id).sort()).toEqual([expired.id, unheld.id].sort());
      expect((await ctx.repo().getRun(TENANT_A, live.id))?.status).toBe('queued');
      expect((await ctx.repo().getRun(TENANT_A, expired.id))?.status).toBe('failed');
      // Its own node may still end it on purpose.
      expect((await ctx.repo().failInterruptedRuns('The store failed', { runId: live.id })).map(({ run }) => run.id)).toEqual([live.id]);
    });
  });
}
