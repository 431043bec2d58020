import type { CampaignEditDto } from './dto/campaign-edit.dto';
import type { ArtifactType, AuditVerdict } from '@app/contracts';
import { aBrief } from '../agents/testing/fixtures';
import { CampaignEditingService, type EditGuard } from './campaign-editing.service';
import type { StartRunInput } from './dto/start-run.dto';
import { createRunsHarness, ended } from './testing/runs-harness';

const T = 't';
const START: StartRunInput = { campaign: { name: 'C', brief: aBrief() }, selectedPlatforms: ['x'] };
const BLOCKED = 'Some active versions have not passed their audit; approve with an override and its reason';

/** A campaign whose first run has ended, its audits giving `verdicts` (pass for the others). */
async function setup(verdicts: Partial<Record<ArtifactType, AuditVerdict>> = {}) {
  const h = createRunsHarness({ scripts: { verdict: (type) => verdicts[type] ?? 'pass' } });
  const { campaignId } = await ended(h, T, h.runs.start(T, START));
  const campaign = async () => (await h.repository.getCampaign(T, campaignId))!;
  const guard = async (by = 'editor'): Promise<EditGuard> => ({ by, ifMatch: (await campaign()).etag });
  const lastChange = async () => (await h.editing.changes(T, campaignId))[0];
  const approved = async () => h.editing.approve(T, campaignId, undefined, await guard());
  return { ...h, campaignId, campaign, guard, lastChange, approved };
}

/** `at` is an ISO-8601 instant within [from, to]. */
const expectInstant = (at: string, from: number, to: number) => {
  expect(new Date(at).toISOString()).toBe(at);
  expect(Date.parse(at)).toBeGreaterThanOrEqual(from);
  expect(Date.parse(at)).toBeLessThanOrEqual(to);
};

describe(`${CampaignEditingService.name} changes`, () => {
  describe('approve', () => {
    it('is blocked, naming each artifact without an active version or whose active version did not pass', async () => {
      const { editing, campaignId, campaign, guard, lastChange } = await setup({ copy: 'conditional', visualConcept: 'fail' });
      expect((await campaign()).activeVersionIds).not.toHaveProperty('visualConcept');
      await expect(editing.approve(T, campaignId, undefined, await guard())).rejects.toMatchObject({
        code: 'APPROVAL_BLOCKED',
        message: BLOCKED,
        errors: [{ field: 'copy', message: 'its active version\'s verdict is conditional' }, { field: 'visualConcept', message: 'it has no active version' }],
      });

      const failing = await editing.version(T, campaignId, 'visualConcept', 1);
      await editing.activate(T, campaignId, 'visualConcept', 1, await guard());
      expect(await lastChange()).toMatchObject({ action: 'activate', details: { artifactType: 'visualConcept', fromVersionId: null, toVersionId: failing.id, toVersionNumber: 1 } });
      await expect(editing.approve(T, campaignId, undefined, await guard())).rejects.toMatchObject({
        code: 'APPROVAL_BLOCKED',
        errors: [{ field: 'copy', message: 'its active version\'s verdict is conditional' }, { field: 'visualConcept', message: 'its active version\'s verdict is fail' }],
      });
      expect(await campaign()).not.toHaveProperty('approval');
      expect((await editing.changes(T, campaignId)).map((c) => c.action)).toEqual(['activate']);
    });

    it('approves with an override: the approval and its recorded change give the reason and what had not passed', async () => {
      const { editing, campaignId, campaign, guard, lastChange } = await setup({ visualConcept: 'fail' });
      const { activeVersionIds } = await campaign();
      const from = Date.now();
      const result = await editing.approve(T, campaignId, { reason: 'Legal signed off' }, await guard('ann'));
      expect(result).toMatchObject({ status: 'approved', approval: { by: 'ann', versionIds: activeVersionIds, override: { reason: 'Legal signed off' } } });
      expectInstant(result.approval!.at, from, Date.now());
      expect(await campaign()).toEqual(result);
      expect(await lastChange()).toMatchObject({ by: 'ann', action: 'approve', details: { versionIds: activeVersionIds, override: { reason: 'Legal signed off', notPassed: ['visualConcept'] } } });
    });

    it('approves a campaign whose active versions all passed, without an override', async () => {
      const { campaign, approved, lastChange } = await setup();
      const { activeVersionIds } = await campaign();
      expect(Object.keys(activeVersionIds).sort()).toEqual(['copy', 'shortCopy', 'visualConcept']);
      const result = await approved();
      expect(result.status).toBe('approved');
      expect(result.approval).toEqual({ at: expect.any(String), by: 'editor', versionIds: activeVersionIds });
      expect(await lastChange()).toMatchObject({ by: 'editor', action: 'approve', details: { versionIds: activeVersionIds } });
      expect((await lastChange()).details).not.toHaveProperty('override');
    });

    it('refuses an unknown campaign', async () => {
      const { editing } = await setup();
      await expect(editing.approve(T, 'nope', undefined, { by: 'editor', ifMatch: '"1"' })).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND', message: 'Campaign nope not found' });
    });
  });

  describe('edit', () => {
    it('refuses an edit with nothing to change, and an unknown campaign', async () => {
      const { editing, campaignId, guard } = await setup();
      // JSON null passes the DTO's optional fields, and is no value either.
      for (const nothing of [{}, { name: null, brief: null }] as CampaignEditDto[]) {
        await expect(editing.edit(T, campaignId, nothing, await guard())).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
          message: 'Nothing to change: give a name or a brief',
          errors: [{ field: '(body)', message: 'name or brief is required' }],
        });
      }
      await expect(editing.edit(T, 'nope', { name: 'X' }, await guard())).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND', message: 'Campaign nope not found' });
      expect(await editing.changes(T, campaignId)).toEqual([]);
    });

    it('renames and keeps the brief and the approval, recording the name', async () => {
      const { editing, campaignId, campaign, guard, approved, lastChange } = await setup();
      const { approval } = await approved();
      const result = await editing.edit(T, campaignId, { name: 'Spring' }, await guard('ann'));
      expect(result).toMatchObject({ name: 'Spring', brief: aBrief(), briefRevision: 1, status: 'approved', approval });
      expect(await campaign()).toEqual(result);
      expect(await lastChange()).toMatchObject({ by: 'ann', action: 'edit', details: { fields: ['name'] } });
    });

    it('takes a new brief: its revision goes up and an approval is withdrawn, the name stays', async () => {
      const { editing, repository, campaignId, campaign, guard, approved, lastChange } = await setup();
      await approved();
      const update = jest.spyOn(repository, 'updateCampaign');
      const brief = aBrief({ objective: 'Win back lapsed subscribers' });
      const result = await editing.edit(T, campaignId, { brief }, await guard());
      // Not even `name: undefined`: a store that spreads the update over the campaign (Cosmos DB) would lose the name.
      expect(Object.keys(update.mock.calls[0][2]).sort()).toEqual(['approval', 'brief', 'status']);
      expect(result).toMatchObject({ name: 'C', brief, briefRevision: 2, status: 'draft' });
      expect(result).not.toHaveProperty('approval');
      expect(await campaign()).toEqual(result);
      expect(await lastChange()).toMatchObject({ action: 'edit', details: { fields: ['brief'] } });
    });

    it('takes a name and a brief at once, leaving a campaign that is not approved in its status', async () => {
      const { editing, campaignId, guard, lastChange } = await setup();
      const brief = aBrief({ productDetails: 'Brewly beans, now decaf too.' });
      expect(await editing.edit(T, campaignId, { name: 'Decaf', brief }, await guard())).toMatchObject({ name: 'Decaf', brief, briefRevision: 2, status: 'completed' });
      expect((await lastChange()).details).toEqual({ fields: ['name', 'brief'] });
    });
  });

  describe('delete', () => {
    it('soft-deletes: the campaign reads as gone afterwards, its deletion recorded', async () => {
      const { editing, campaigns, repository, campaignId, guard } = await setup();
      const update = jest.spyOn(repository, 'updateCampaign');
      const ifMatch = (await guard()).ifMatch!;
      await editing.delete(T, campaignId, { by: 'ann', ifMatch });
      expect(update).toHaveBeenCalledWith(T, campaignId, { isDeleted: true }, ifMatch, { by: 'ann', action: 'delete', details: {} });
      expect(await repository.getCampaign(T, campaignId)).toBeUndefined();
      const gone = { code: 'CAMPAIGN_NOT_FOUND', message: `Campaign ${campaignId} not found` };
      await expect(editing.changes(T, campaignId)).rejects.toMatchObject(gone);
      await expect(campaigns.detail(T, campaignId)).rejects.toMatchObject(gone);
      await expect(editing.delete(T, campaignId, { by: 'ann', ifMatch })).rejects.toMatchObject(gone);
    });

    it('refuses a stale ETag, keeping the campaign', async () => {
      const { editing, campaignId, campaign, guard } = await setup();
      const stale = await guard();
      await editing.edit(T, campaignId, { name: 'Renamed' }, stale);
      await expect(editing.delete(T, campaignId, stale)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
      expect(await campaign()).toMatchObject({ name: 'Renamed', isDeleted: false });
    });
  });
});
