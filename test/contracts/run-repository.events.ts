import { newCampaign, newRun, progressEvents, REGENERATED, runEvent } from '../support/run-fixtures';
import { ContractContext, expectConflict, expectStoreRejection, finishWith, startedRun, TENANT_A, TENANT_B } from './run-repository.harness';

/** The event stream of a run, the recovery of runs a crash left unfinished, and readiness. */
export function eventAndRecoveryContract(ctx: ContractContext): void {
  describe('events', () => {
    it('returns the stored events of a run whole, in seq order, after a given seq', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const run = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      const events = progressEvents(run);
      for (const event of events) await ctx.repo().appendEvents(TENANT_A, [event]);

      expect(await ctx.repo().listEvents(TENANT_A, run.id, 0)).toEqual(events);
      expect((await ctx.repo().listEvents(TENANT_A, run.id, 4)).map((e) => e.seq)).toEqual([5, 6]);
      expect(await ctx.repo().listEvents(TENANT_A, run.id, 6)).toEqual([]);
      expect((await ctx.repo().getRun(TENANT_A, run.id))?.lastSeq).toBe(6);
    });

    it('orders events by seq whatever the order they were stored in, and tracks the highest seq', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const run = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      const [queued, copy, shortCopy] = progressEvents(run);
      for (const event of [queued, shortCopy, copy]) await ctx.repo().appendEvents(TENANT_A, [event]);

      expect((await ctx.repo().listEvents(TENANT_A, run.id, 0)).map((e) => e.eventId)).toEqual([queued.eventId, copy.eventId, shortCopy.eventId]);
      expect((await ctx.repo().getRun(TENANT_A, run.id))?.lastSeq).toBe(3);
    });

    it('refuses a second event with the same seq and keeps the first', async () => {
      const { run } = await startedRun(ctx.repo());
      const [, original] = await ctx.repo().listEvents(TENANT_A, run.id, 0);

      await expectConflict(ctx.repo().appendEvents(TENANT_A, [runEvent(run, 2, 'GeneratingVisual', { message: 'impostor' })]));

      const stored = await ctx.repo().listEvents(TENANT_A, run.id, 0);
      expect(stored).toHaveLength(6);
      expect(stored[1]).toEqual(original);
      expect((await ctx.repo().getRun(TENANT_A, run.id))?.lastSeq).toBe(6);
    });

    it('stores a batch of events in one call, and a run becomes running with its first agent event', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const run = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      const [queued, ...progress] = progressEvents(run);

      await ctx.repo().appendEvents(TENANT_A, []);
      await ctx.repo().appendEvents(TENANT_A, [queued]);
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toMatchObject({ status: 'queued', lastSeq: 1 });
      await ctx.repo().appendEvents(TENANT_A, progress);

      expect(await ctx.repo().listEvents(TENANT_A, run.id, 0)).toEqual([queued, ...progress]);
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toMatchObject({ status: 'running', lastSeq: 6 });
    });

    it('refuses a batch that repeats a stored seq and stores none of it', async () => {
      const { run } = await startedRun(ctx.repo());

      await expectConflict(ctx.repo().appendEvents(TENANT_A, [runEvent(run, 6, 'Auditing', { message: 'impostor' }), runEvent(run, 7, 'Auditing')]));

      expect((await ctx.repo().listEvents(TENANT_A, run.id, 5)).map((e) => e.message)).not.toContain('impostor');
      expect(await ctx.repo().listEvents(TENANT_A, run.id, 6)).toEqual([]);
      expect((await ctx.repo().getRun(TENANT_A, run.id))?.lastSeq).toBe(6);
    });

    it('refuses a batch that mixes runs, and events of a finished run', async () => {
      const first = await startedRun(ctx.repo());
      const second = await startedRun(ctx.repo());
      await expectStoreRejection(ctx.repo().appendEvents(TENANT_A, [runEvent(first.run, 7, 'Auditing'), runEvent(second.run, 7, 'Auditing')]));
      expect(await ctx.repo().listEvents(TENANT_A, first.run.id, 6)).toEqual([]);

      await finishWith(ctx.repo(), first.run, 'success', REGENERATED);
      await expectConflict(ctx.repo().appendEvents(TENANT_A, [runEvent(first.run, 8, 'Auditing')]), 'RUN_ALREADY_FINISHED');
      expect(await ctx.repo().listEvents(TENANT_A, first.run.id, 7)).toEqual([]);
    });

    it('numbers events per run: two runs both have a seq 1', async () => {
      const first = await startedRun(ctx.repo());
      const second = await startedRun(ctx.repo());

      expect((await ctx.repo().listEvents(TENANT_A, first.run.id, 0)).map((e) => e.runId)).toEqual(Array(6).fill(first.run.id));
      expect((await ctx.repo().listEvents(TENANT_A, second.run.id, 0)).map((e) => [e.runId, e.seq])).toEqual([1, 2, 3, 4, 5, 6].map((seq) => [second.run.id, seq]));
    });

    it('shows a tenant no event of another tenant’s run and refuses its appends', async () => {
      const { run } = await startedRun(ctx.repo());

      expect(await ctx.repo().listEvents(TENANT_B, run.id, 0)).toEqual([]);
      await expectConflict(ctx.repo().appendEvents(TENANT_B, [runEvent(run, 7, 'Auditing')]), 'RUN_NOT_FOUND');
      expect(await ctx.repo().listEvents(TENANT_A, run.id, 6)).toEqual([]);
      expect((await ctx.repo().getRun(TENANT_A, run.id))?.lastSeq).toBe(6);
    });

    it('refuses an event of an unknown run the same way as one of another tenant’s run', async () => {
      await expectConflict(ctx.repo().appendEvents(TENANT_A, [runEvent({ id: 'no-such-run', campaignId: 'no-such-campaign' }, 1, 'Queued')]), 'RUN_NOT_FOUND');
      expect(await ctx.repo().listEvents(TENANT_A, 'no-such-run', 0)).toEqual([]);
    });
  });

  describe('failInterruptedRuns', () => {
    it('fails every queued or running run with RUN_INTERRUPTED and a terminal Failed event, and leaves finished runs alone', async () => {
      const queuedCampaign = await ctx.repo().createCampaign(newCampaign(TENANT_A, 'Queued'));
      const queued = await ctx.repo().createRun(newRun(TENANT_A, queuedCampaign.id));
      const running = await startedRun(ctx.repo());
      const otherTenant = await startedRun(ctx.repo(), TENANT_B);
      const finished = await startedRun(ctx.repo());
      await finishWith(ctx.repo(), finished.run, 'success', REGENERATED);
      const finishedBefore = await ctx.repo().getRunDetail(TENANT_A, finished.run.id);
      const finishedCampaignBefore = await ctx.repo().getCampaignDetail(TENANT_A, finished.campaign.id);

      const ended = await ctx.repo().failInterruptedRuns('Server restarted');

      expect(ended.map(({ run }) => run.id).sort()).toEqual([queued.id, running.run.id, otherTenant.run.id].sort());
      // A run with no stored event gets Queued (seq 1) before its Failed (seq 2): every stream starts with Queued.
      for (const [tenant, run, lastSeq] of [[TENANT_A, queued, 2], [TENANT_A, running.run, 7], [TENANT_B, otherTenant.run, 7]] as const) {
        const stored = await ctx.repo().getRun(tenant, run.id);
        expect(stored).toMatchObject({ status: 'failed', resultStatus: 'failed', lastSeq });
        expect(stored?.finishedAt).toEqual(expect.any(String));
        expect(stored?.errors).toContainEqual(expect.objectContaining({ code: 'RUN_INTERRUPTED', message: 'Server restarted' }));
        expect(ended.find((e) => e.run.id === run.id)?.run).toEqual(stored);
        expect(ended.find((e) => e.run.id === run.id)?.terminalEvent).toEqual((await ctx.repo().listEvents(tenant, run.id, 0)).at(-1));
        const events = await ctx.repo().listEvents(tenant, run.id, 0);
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
        expect(events[0].state).toBe('Queued');
        expect(events.at(-1)).toMatchObject({ runId: run.id, campaignId: run.campaignId, seq: lastSeq, state: 'Failed' });
        expect((await ctx.repo().getCampaign(tenant, run.campaignId))?.status).toBe('failed');
      }
      expect(await ctx.repo().getRunDetail(TENANT_A, finished.run.id)).toEqual(finishedBefore);
      expect(await ctx.repo().getCampaignDetail(TENANT_A, finished.campaign.id)).toEqual(finishedCampaignBefore);
      expect(await ctx.repo().listEvents(TENANT_A, finished.run.id, 0)).toHaveLength(7);
    });

    it('ends nothing the second time, and lets the campaign start a new run', async () => {
      const { campaign, run } = await startedRun(ctx.repo());
      expect(await ctx.repo().failInterruptedRuns('Server restarted')).toHaveLength(1);

      expect(await ctx.repo().failInterruptedRuns('Server restarted again')).toEqual([]);
      expect(await ctx.repo().listEvents(TENANT_A, run.id, 0)).toHaveLength(7);
      expect((await ctx.repo().getRun(TENANT_A, run.id))?.errors.filter((e) => e.code === 'RUN_INTERRUPTED')).toHaveLength(1);
      expect((await ctx.repo().createRun(newRun(TENANT_A, campaign.id))).status).toBe('queued');
    });

    it('with a run id, ends only that run', async () => {
      const target = await startedRun(ctx.repo());
      const bystander = await startedRun(ctx.repo());

      const ended = await ctx.repo().failInterruptedRuns('The store failed', { runId: target.run.id });

      expect(ended.map(({ run }) => run.id)).toEqual([target.run.id]);
      expect((await ctx.repo().getRun(TENANT_A, target.run.id))?.status).toBe('failed');
      expect(await ctx.repo().getRun(TENANT_A, bystander.run.id)).toMatchObject({ status: 'running', lastSeq: 6 });
      expect((await ctx.repo().getCampaign(TENANT_A, bystander.campaign.id))?.status).toBe('generating');
      expect(await ctx.repo().failInterruptedRuns('The store failed', { runId: target.run.id })).toEqual([]);
    });
  });

  describe('ping', () => {
    it('resolves while the store can serve', async () => {
      await expect(ctx.repo().ping()).resolves.toBeUndefined();
    });
  });
}
