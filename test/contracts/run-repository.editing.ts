import type { CampaignApproval } from '@app/contracts';
import { StoreConflictError } from '../../src/persistence/store-errors';
import { buildResult, newCampaign, newRun, REGENERATED, runOutcome, STORE_BRIEF } from '../support/run-fixtures';
import { ContractContext, expectConflict, finishWith, TENANT_A, TENANT_B } from './run-repository.harness';

const BY = { by: 'editor-1', action: 'edit' as const, details: { fields: ['name'] } };

/** Editors in the loop: guarded campaign updates and their record, runs of a regeneration, version history. */
export function editingContract(ctx: ContractContext): void {
  describe('campaign updates', () => {
    it('applies an update when the etag matches, raises the brief revision with a new brief, and records the change', async () => {
      const created = await ctx.repo().createCampaign(newCampaign(TENANT_A, 'Before'));
      expect(created.briefRevision).toBe(1);
      expect(created.etag).toEqual(expect.any(String));
      expect((await ctx.repo().getCampaign(TENANT_A, created.id))?.etag).toBe(created.etag);

      const renamed = await ctx.repo().updateCampaign(TENANT_A, created.id, { name: 'After' }, created.etag, BY);
      expect(renamed).toMatchObject({ name: 'After', briefRevision: 1, brief: STORE_BRIEF });
      expect(renamed.etag).not.toBe(created.etag);
      const brief = { ...STORE_BRIEF, objective: 'Win back lapsed subscribers' };
      const rebriefed = await ctx.repo().updateCampaign(TENANT_A, created.id, { brief }, renamed.etag, { by: 'editor-2', action: 'edit', details: { fields: ['brief'] } });
      expect(rebriefed).toMatchObject({ brief, briefRevision: 2 });
      expect(await ctx.repo().getCampaign(TENANT_A, created.id)).toEqual(rebriefed);

      const changes = await ctx.repo().listChanges(TENANT_A, created.id);
      expect(changes?.map((c) => [c.by, c.action, c.details])).toEqual([
        ['editor-2', 'edit', { fields: ['brief'] }],
        ['editor-1', 'edit', { fields: ['name'] }],
      ]);
      expect(changes?.[0]).toMatchObject({ id: expect.any(String), at: expect.any(String) });
    });

    it('refuses a stale etag (PRECONDITION_FAILED) and changes nothing; another tenant cannot update', async () => {
      const created = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const first = await ctx.repo().updateCampaign(TENANT_A, created.id, { name: 'First' }, created.etag, BY);

      await expectConflict(ctx.repo().updateCampaign(TENANT_A, created.id, { name: 'Second' }, created.etag, BY), 'PRECONDITION_FAILED');
      await expectConflict(ctx.repo().updateCampaign(TENANT_B, created.id, { name: 'Theirs' }, first.etag, BY), 'CAMPAIGN_NOT_FOUND');
      expect((await ctx.repo().getCampaign(TENANT_A, created.id))?.name).toBe('First');
      expect(await ctx.repo().listChanges(TENANT_A, created.id)).toHaveLength(1);
      expect(await ctx.repo().listChanges(TENANT_B, created.id)).toBeUndefined();
    });

    it('lets one of two updates with the same etag win', async () => {
      const created = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const outcomes = await Promise.allSettled(['A', 'B'].map((name) => ctx.repo().updateCampaign(TENANT_A, created.id, { name }, created.etag, BY)));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(StoreConflictError);
      expect(refused.reason.code).toBe('PRECONDITION_FAILED');
    });

    it('changes the etag when a run starts and when it ends', async () => {
      const created = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const run = await ctx.repo().createRun(newRun(TENANT_A, created.id));
      const running = await ctx.repo().getCampaign(TENANT_A, created.id);
      expect(running?.etag).not.toBe(created.etag);
      await finishWith(ctx.repo(), run, 'success', REGENERATED);
      expect((await ctx.repo().getCampaign(TENANT_A, created.id))?.etag).not.toBe(running?.etag);
      await expectConflict(ctx.repo().updateCampaign(TENANT_A, created.id, { name: 'Late' }, running!.etag, BY), 'PRECONDITION_FAILED');
    });

    it('soft-deletes: the campaign reads as absent, leaves the list and takes no more updates', async () => {
      const kept = await ctx.repo().createCampaign(newCampaign(TENANT_A, 'Kept'));
      const gone = await ctx.repo().createCampaign(newCampaign(TENANT_A, 'Gone'));
      await ctx.repo().updateCampaign(TENANT_A, gone.id, { isDeleted: true }, gone.etag, { by: 'editor-1', action: 'delete', details: {} });

      expect(await ctx.repo().getCampaign(TENANT_A, gone.id)).toBeUndefined();
      expect(await ctx.repo().getCampaignDetail(TENANT_A, gone.id)).toBeUndefined();
      expect((await ctx.repo().listCampaigns(TENANT_A, 1, 10)).items.map((c) => c.id)).toEqual([kept.id]);
      await expectConflict(ctx.repo().updateCampaign(TENANT_A, gone.id, { name: 'Back' }, gone.etag, BY), 'CAMPAIGN_NOT_FOUND');
    });
  });

  describe('runs of a regeneration', () => {
    it('keeps what a run was asked for: who, which brief revision, the regeneration', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const regeneration = { artifactType: 'copy' as const, instructions: 'Make it more playful', activate: 'unlessFailed' as const, baseVersionId: 'v-1' };
      const run = await ctx.repo().createRun({ tenantId: TENANT_A, run: { ...newRun(TENANT_A, campaign.id).run, briefRevision: 1, requestedBy: 'editor-1', regeneration } });

      expect(run).toMatchObject({ briefRevision: 1, requestedBy: 'editor-1', regeneration });
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toMatchObject({ briefRevision: 1, requestedBy: 'editor-1', regeneration });
    });

    it("activates by the outcome's policy: never keeps the active versions, always takes a failing one", async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const first = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      await finishWith(ctx.repo(), first, 'success', REGENERATED);
      const before = (await ctx.repo().getCampaign(TENANT_A, campaign.id))!.activeVersionIds;

      const never = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      await ctx.repo().finishRun({ ...runOutcome(TENANT_A, buildResult(never, 'success', [{ type: 'copy', attempt: 1, verdict: 'pass' }]), 7), activate: 'never' });
      expect((await ctx.repo().getCampaign(TENANT_A, campaign.id))!.activeVersionIds).toEqual(before);

      const always = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      await ctx.repo().finishRun({ ...runOutcome(TENANT_A, buildResult(always, 'partialSuccess', [{ type: 'copy', attempt: 1, verdict: 'fail', failedAudit: true }]), 7), activate: 'always' });
      const detail = await ctx.repo().getRunDetail(TENANT_A, always.id);
      const after = (await ctx.repo().getCampaign(TENANT_A, campaign.id))!.activeVersionIds;
      expect(after.copy).toBe(detail!.versions[0].id);
      expect(after.shortCopy).toBe(before.shortCopy);
    });

    it('keeps an approval through a run that activates nothing, and withdraws it when a run changes an active version', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const first = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      await finishWith(ctx.repo(), first, 'success', REGENERATED);
      const done = (await ctx.repo().getCampaign(TENANT_A, campaign.id))!;
      const approval: CampaignApproval = { at: new Date().toISOString(), by: 'editor-1', versionIds: done.activeVersionIds };
      await ctx.repo().updateCampaign(TENANT_A, campaign.id, { status: 'approved', approval }, done.etag, { by: 'editor-1', action: 'approve', details: {} });

      const idle = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      await ctx.repo().finishRun({ ...runOutcome(TENANT_A, buildResult(idle, 'success', [{ type: 'copy', attempt: 1, verdict: 'pass' }]), 7), activate: 'never' });
      expect(await ctx.repo().getCampaign(TENANT_A, campaign.id)).toMatchObject({ status: 'approved', approval });

      const changing = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      await finishWith(ctx.repo(), changing, 'success', [{ type: 'copy', attempt: 1, verdict: 'pass' }]);
      const after = await ctx.repo().getCampaign(TENANT_A, campaign.id);
      expect(after?.status).toBe('completed');
      expect(after?.approval).toBeUndefined();
    });
  });

  describe('version history', () => {
    it('lists an artifact’s versions newest first, a page at a time, with their audit, run and whether active', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const first = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      await finishWith(ctx.repo(), first, 'success', REGENERATED);
      const regeneration = { artifactType: 'shortCopy' as const, instructions: 'Shorter, with an emoji', activate: 'unlessFailed' as const };
      const second = await ctx.repo().createRun({ tenantId: TENANT_A, run: { ...newRun(TENANT_A, campaign.id).run, briefRevision: 1, requestedBy: 'editor-9', regeneration } });
      await finishWith(ctx.repo(), second, 'success', [{ type: 'shortCopy', attempt: 1, verdict: 'conditional' }]);
      const active = (await ctx.repo().getCampaign(TENANT_A, campaign.id))!.activeVersionIds.shortCopy;

      const page1 = await ctx.repo().listVersions(TENANT_A, campaign.id, 'shortCopy', 2);
      expect(page1).toMatchObject({ totalCount: 3, pageSize: 2, continuationToken: expect.any(String) });
      expect(page1!.items.map((v) => [v.versionNumber, v.auditVerdict, v.active])).toEqual([
        [3, 'conditional', true],
        [2, 'pass', false],
      ]);
      expect(page1!.items[0]).toMatchObject({ id: active, runId: second.id, attempt: 1, weightedScore: 72, feedback: 'Shorter, with an emoji', requestedBy: 'editor-9', briefRevision: 1 });
      expect(page1!.items[0].scores).toMatchObject({ clarity: 72 });
      expect(page1!.items[1]).not.toHaveProperty('feedback');
      const page2 = await ctx.repo().listVersions(TENANT_A, campaign.id, 'shortCopy', 2, page1!.continuationToken);
      expect(page2!.items.map((v) => [v.versionNumber, v.auditVerdict, v.failedAudit])).toEqual([[1, 'fail', false]]);
      expect([page1!.page, page2!.page]).toEqual([1, 2]);
      expect(page2!.continuationToken).toBeUndefined();

      expect((await ctx.repo().listVersions(TENANT_A, campaign.id, 'copy', 10))!.items.map((v) => v.versionNumber)).toEqual([1]);
      expect(await ctx.repo().listVersions(TENANT_B, campaign.id, 'copy', 10)).toBeUndefined();
    });

    it('reads one version by its number with its content and every audit report on it', async () => {
      const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
      const run = await ctx.repo().createRun(newRun(TENANT_A, campaign.id));
      await finishWith(ctx.repo(), run, 'success', REGENERATED);

      const version = await ctx.repo().getVersion(TENANT_A, campaign.id, 'shortCopy', 1);
      expect(version).toMatchObject({ versionNumber: 1, runId: run.id, auditVerdict: 'fail', active: false, weightedScore: 41 });
      expect(version!.content).toMatchObject({ platforms: [expect.objectContaining({ platform: 'x' })] });
      expect(version!.auditReports.map((r) => [r.attempt, r.verdict])).toEqual([[1, 'fail']]);
      expect(await ctx.repo().getVersion(TENANT_A, campaign.id, 'shortCopy', 9)).toBeUndefined();
      expect(await ctx.repo().getVersion(TENANT_B, campaign.id, 'shortCopy', 1)).toBeUndefined();
    });
  });
}
