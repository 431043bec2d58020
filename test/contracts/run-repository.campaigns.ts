import { newCampaign, newRun, REGENERATED, runEvent, STORE_BRIEF } from '../support/run-fixtures';
import { ContractContext, expectConflict, expectStoreRejection, finishWith, startedRun, TENANT_A, TENANT_B, tick } from './run-repository.harness';

/** Campaigns (create, read, page, tenant scoping) and the creation and listing of runs. */
export function campaignAndRunContract(ctx: ContractContext): void {
  describe('campaigns', () => {
    it('creates a draft campaign without active versions and reads it back', async () => {
      const created = await ctx.repo().createCampaign(newCampaign(TENANT_A, 'Spring launch'));

      expect(created).toMatchObject({ name: 'Spring launch', brief: STORE_BRIEF, status: 'draft', activeVersionIds: {}, isDeleted: false });
      expect(created.id).toEqual(expect.any(String));
      expect(Date.parse(created.createdAt)).not.toBeNaN();
      expect(Date.parse(created.updatedAt)).not.toBeNaN();
      expect(await ctx.repo().getCampaign(TENANT_A, created.id)).toEqual(created);
      expect(await ctx.repo().getCampaignDetail(TENANT_A, created.id)).toEqual({ campaign: created, activeArtifacts: {}, latestAudit: {} });
    });

    it('gives every campaign its own id', async () => {
      const first = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const second = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      expect(second.id).not.toBe(first.id);
    });

    it('reads an unknown campaign as absent', async () => {
      expect(await ctx.repo().getCampaign(TENANT_A, 'no-such-campaign')).toBeUndefined();
      expect(await ctx.repo().getCampaignDetail(TENANT_A, 'no-such-campaign')).toBeUndefined();
    });

    it('lists campaigns newest first, one page at a time, with the total count', async () => {
      for (const n of [1, 2, 3, 4, 5]) {
        await ctx.repo().createCampaign(newCampaign(TENANT_A, `Campaign ${n}`));
        await tick();
      }
      await ctx.repo().createCampaign(newCampaign(TENANT_B, 'Not yours'));

      const first = await ctx.repo().listCampaigns(TENANT_A, 1, 2);
      expect(first).toMatchObject({ page: 1, pageSize: 2, totalCount: 5 });
      expect(first.items.map((c) => c.name)).toEqual(['Campaign 5', 'Campaign 4']);
      expect((await ctx.repo().listCampaigns(TENANT_A, 2, 2)).items.map((c) => c.name)).toEqual(['Campaign 3', 'Campaign 2']);
      const last = await ctx.repo().listCampaigns(TENANT_A, 3, 2);
      expect(last.items.map((c) => c.name)).toEqual(['Campaign 1']);
      expect(last.totalCount).toBe(5);
      expect(await ctx.repo().listCampaigns(TENANT_A, 4, 2)).toMatchObject({ items: [], totalCount: 5, page: 4, pageSize: 2 });
      expect((await ctx.repo().listCampaigns(TENANT_A, 1, 10)).items.map((c) => c.name)).toEqual(['Campaign 5', 'Campaign 4', 'Campaign 3', 'Campaign 2', 'Campaign 1']);
    });

    it('pages with continuation tokens: each page hands the next, the last hands none, and each says which page it is', async () => {
      for (const n of [1, 2, 3, 4, 5]) {
        await ctx.repo().createCampaign(newCampaign(TENANT_A, `Campaign ${n}`));
        await tick();
      }
      const names: string[][] = [];
      const pages: number[] = [];
      let token: string | undefined;
      do {
        // The caller leaves `page` at its default: the token says which page is read (ADR 0022).
        const current = await ctx.repo().listCampaigns(TENANT_A, 1, 2, token);
        expect(current.totalCount).toBe(5);
        names.push(current.items.map((c) => c.name));
        pages.push(current.page);
        token = current.continuationToken;
      } while (token && pages.length < 10);
      expect(names).toEqual([['Campaign 5', 'Campaign 4'], ['Campaign 3', 'Campaign 2'], ['Campaign 1']]);
      expect(pages).toEqual([1, 2, 3]);
    });

    it('shows a tenant nothing of the campaigns of another', async () => {
      const mine = await ctx.repo().createCampaign(newCampaign(TENANT_A));

      expect(await ctx.repo().getCampaign(TENANT_B, mine.id)).toBeUndefined();
      expect(await ctx.repo().getCampaignDetail(TENANT_B, mine.id)).toBeUndefined();
      expect(await ctx.repo().listCampaigns(TENANT_B, 1, 20)).toMatchObject({ items: [], totalCount: 0, page: 1, pageSize: 20 });
      expect((await ctx.repo().listCampaigns(TENANT_A, 1, 20)).items.map((c) => c.id)).toEqual([mine.id]);
    });
  });

  describe('createRun', () => {
    it('creates a queued run, empty of results, and sets its campaign to generating', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const input = newRun(TENANT_A, campaign.id);

      const run = await ctx.repo().createRun(input);

      expect(run).toMatchObject({ ...input.run, status: 'queued', attempts: {}, errors: [], versionIds: [], lastSeq: 0 });
      expect(run.finishedAt).toBeUndefined();
      expect(run.resultStatus).toBeUndefined();
      expect(run.metrics).toBeUndefined();
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toEqual(run);
      expect(await ctx.repo().getRunDetail(TENANT_A, run.id)).toEqual({ ...run, artifacts: {}, versions: [], auditReports: [] });
      expect((await ctx.repo().getCampaign(TENANT_A, campaign.id))?.status).toBe('generating');
    });

    it('refuses a second run while the campaign has a queued run', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      const second = newRun(TENANT_A, campaign.id);

      await expectConflict(ctx.repo().createRun(second), 'RUN_ACTIVE');
      expect(await ctx.repo().getRun(TENANT_A, second.run.id)).toBeUndefined();
    });

    it('refuses a second run while the campaign has a running run', async () => {
      const { campaign, run } = await startedRun(ctx.repo());
      expect((await ctx.repo().getRun(TENANT_A, run.id))?.status).toBe('running');

      await expectConflict(ctx.repo().createRun(newRun(TENANT_A, campaign.id)), 'RUN_ACTIVE');
      expect(await ctx.repo().listRuns(TENANT_A, campaign.id)).toHaveLength(1);
    });

    it('accepts a new run once the previous one has finished', async () => {
      const { campaign, run } = await startedRun(ctx.repo());
      await finishWith(ctx.repo(), run, 'success', REGENERATED);

      const next = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));

      expect(next.status).toBe('queued');
      expect((await ctx.repo().getCampaign(TENANT_A, campaign.id))?.status).toBe('generating');
    });

    it('refuses a run on an unknown campaign or on the campaign of another tenant', async () => {
      const theirs = await ctx.repo().createCampaign(newCampaign(TENANT_B));

      await expectConflict(ctx.repo().createRun(newRun(TENANT_A, 'no-such-campaign')), 'CAMPAIGN_NOT_FOUND');
      const intrusion = newRun(TENANT_A, theirs.id);
      await expectConflict(ctx.repo().createRun(intrusion), 'CAMPAIGN_NOT_FOUND');
      expect((await ctx.repo().getCampaign(TENANT_B, theirs.id))?.status).toBe('draft');
      expect(await ctx.repo().listRuns(TENANT_B, theirs.id)).toEqual([]);
      expect(await ctx.repo().getRun(TENANT_B, intrusion.run.id)).toBeUndefined();
    });

    it('rejects a run id already in use with a store error and leaves the first run as it was', async () => {
      const { run } = await startedRun(ctx.repo());
      const other = await ctx.repo().createCampaign(newCampaign(TENANT_A, 'Other'));

      await expectStoreRejection(ctx.repo().createRun(newRun(TENANT_A, other.id, run.id)));
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toMatchObject({ campaignId: run.campaignId, status: 'running', lastSeq: 6 });
      expect((await ctx.repo().getCampaign(TENANT_A, other.id))?.status).toBe('draft');
    });
  });

  describe('createCampaignRun', () => {
    it('creates the campaign, generating, with its queued run', async () => {
      const { run: input } = newRun(TENANT_A, 'unused');
      const { campaignId: _, ...fields } = input;

      const run = await ctx.repo().createCampaignRun({ ...newCampaign(TENANT_A, 'New brief'), run: fields });

      expect(run).toMatchObject({ ...fields, status: 'queued', lastSeq: 0 });
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toEqual(run);
      expect(await ctx.repo().getCampaign(TENANT_A, run.campaignId)).toMatchObject({ name: 'New brief', brief: STORE_BRIEF, status: 'generating' });
      expect(await ctx.repo().listRuns(TENANT_A, run.campaignId)).toEqual([run]);
      expect(await ctx.repo().getCampaign(TENANT_B, run.campaignId)).toBeUndefined();
    });

    it('gives each call its own campaign', async () => {
      const first = await ctx.repo().createCampaignRun({ ...newCampaign(TENANT_A), run: { ...newRun(TENANT_A, 'x').run } });
      const second = await ctx.repo().createCampaignRun({ ...newCampaign(TENANT_A), run: { ...newRun(TENANT_A, 'x').run } });

      expect(second.campaignId).not.toBe(first.campaignId);
      expect(await ctx.repo().listRuns(TENANT_A, first.campaignId)).toEqual([first]);
    });

    it('rejects a run id already in use with a store error and leaves that run as it was', async () => {
      const { run } = await startedRun(ctx.repo());

      await expectStoreRejection(ctx.repo().createCampaignRun({ ...newCampaign(TENANT_A, 'Clash'), run: { ...newRun(TENANT_A, 'x', run.id).run } }));
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toMatchObject({ campaignId: run.campaignId, status: 'running', lastSeq: 6 });
    });
  });

  describe('runs', () => {
    it('lists the runs of a campaign newest first', async () => {
      const { campaign, run: first } = await startedRun(ctx.repo());
      await finishWith(ctx.repo(), first, 'success', REGENERATED);
      await tick();
      const second = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      const elsewhere = await startedRun(ctx.repo());

      const runs = await ctx.repo().listRuns(TENANT_A, campaign.id);

      expect(runs.map((r) => r.id)).toEqual([second.id, first.id]);
      expect(runs.map((r) => r.status)).toEqual(['queued', 'completed']);
      expect((await ctx.repo().listRuns(TENANT_A, elsewhere.campaign.id)).map((r) => r.id)).toEqual([elsewhere.run.id]);
    });

    it('shows a tenant nothing of the runs of another', async () => {
      const { campaign, run } = await startedRun(ctx.repo());

      expect(await ctx.repo().getRun(TENANT_B, run.id)).toBeUndefined();
      expect(await ctx.repo().getRunDetail(TENANT_B, run.id)).toBeUndefined();
      expect(await ctx.repo().listRuns(TENANT_B, campaign.id)).toEqual([]);
      expect(await ctx.repo().listRuns(TENANT_A, campaign.id)).toHaveLength(1);
    });

    it('reads an unknown run as absent', async () => {
      expect(await ctx.repo().getRun(TENANT_A, 'no-such-run')).toBeUndefined();
      expect(await ctx.repo().getRunDetail(TENANT_A, 'no-such-run')).toBeUndefined();
      expect(await ctx.repo().listEvents(TENANT_A, 'no-such-run', 0)).toEqual([]);
    });

    it('keeps the queued status through the Queued event and runs from the first agent event', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const run = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));

      await ctx.repo().appendEvents(TENANT_A, [runEvent(run, 1, 'Queued')]);
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toMatchObject({ status: 'queued', lastSeq: 1 });

      await ctx.repo().appendEvents(TENANT_A, [runEvent(run, 2, 'GeneratingCopy', { agentType: 'copy', phase: 'started' })]);
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toMatchObject({ status: 'running', lastSeq: 2 });
      expect((await ctx.repo().getCampaign(TENANT_A, campaign.id))?.status).toBe('generating');
    });
  });
}
