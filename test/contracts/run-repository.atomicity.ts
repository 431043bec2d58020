import { StoreError } from '../../src/persistence/store-errors';
import { buildResult, REGENERATED, runOutcome } from '../support/run-fixtures';
import { ContractContext, numbering, rejectionOf, startedRun, TENANT_A } from './run-repository.harness';

/** finishRun is one transaction: a failure in its middle leaves no trace, and a retry stores it whole. */
export function atomicityContract(ctx: ContractContext): void {
  describe('finishRun atomicity', () => {
    it('leaves nothing of an outcome whose write failed midway, and stores it whole on retry', async () => {
      const breakFinishRun = ctx.harness().breakFinishRun;
      if (!breakFinishRun) throw new Error('This setup declared fault injection but its harness has no breakFinishRun');
      const { run: first, campaign } = await startedRun(ctx.repo());
      await ctx.repo().finishRun(runOutcome(TENANT_A, buildResult(first, 'success', REGENERATED), 7));
      const { run } = await startedRun(ctx.repo(), TENANT_A, campaign);
      const runBefore = await ctx.repo().getRunDetail(TENANT_A, run.id);
      const campaignBefore = await ctx.repo().getCampaignDetail(TENANT_A, campaign.id);
      const eventsBefore = await ctx.repo().listEvents(TENANT_A, run.id, 0);
      const outcome = runOutcome(TENANT_A, buildResult(run, 'success', REGENERATED), 7);

      const repair = await breakFinishRun.call(ctx.harness());
      expect(await rejectionOf(ctx.repo().finishRun(outcome))).toBeInstanceOf(StoreError);

      const after = (await ctx.repo().getRunDetail(TENANT_A, run.id))!;
      expect(after).toEqual(runBefore);
      expect(after).toMatchObject({ status: 'running', lastSeq: 6, versionIds: [], versions: [], auditReports: [] });
      expect(after.finishedAt).toBeUndefined();
      expect(after.resultStatus).toBeUndefined();
      const campaignAfter = await ctx.repo().getCampaignDetail(TENANT_A, campaign.id);
      expect(campaignAfter).toEqual(campaignBefore);
      expect(campaignAfter?.campaign.status).toBe('generating');
      expect(await ctx.repo().listEvents(TENANT_A, run.id, 0)).toEqual(eventsBefore);
      expect(await ctx.repo().listRuns(TENANT_A, campaign.id)).toEqual(expect.arrayContaining([expect.objectContaining({ id: run.id, status: 'running' })]));

      await repair();
      await ctx.repo().finishRun(outcome);

      const retried = (await ctx.repo().getRunDetail(TENANT_A, run.id))!;
      expect(retried).toMatchObject({ status: 'completed', lastSeq: 7 });
      expect(numbering(retried)).toEqual([['copy', 1, 2], ['shortCopy', 1, 3], ['visualConcept', 1, 2], ['shortCopy', 2, 4]]);
      expect(retried.auditReports).toHaveLength(4);
      expect((await ctx.repo().getCampaign(TENANT_A, campaign.id))?.activeVersionIds.shortCopy).toBe(retried.artifacts.shortCopy!.id);
      expect((await ctx.repo().listEvents(TENANT_A, run.id, 6))).toEqual([outcome.terminalEvent]);
    });
  });
}
