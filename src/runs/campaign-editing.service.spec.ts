import type { ArtifactType } from '@app/contracts';
import { aBrief } from '../agents/testing/fixtures';
import { SAMPLE_CONTENT } from '../orchestration/testing/fake-agents';
import { StoreError } from '../persistence/store-errors';
import { CampaignEditingService, type EditGuard } from './campaign-editing.service';
import type { StartRunInput } from './dto/start-run.dto';
import { createRunsHarness, ended, type RunsHarnessOptions } from './testing/runs-harness';

const T = 't';
const START: StartRunInput = { campaign: { name: 'C', brief: aBrief() }, selectedPlatforms: ['x'] };
const BAD_TOKEN = { code: 'VALIDATION_FAILED', message: 'The continuation token is not valid', errors: [{ field: 'continuationToken', message: 'is not a token of this list' }] };
const notFound = (id: string) => ({ code: 'CAMPAIGN_NOT_FOUND', message: `Campaign ${id} not found` });

/** A campaign whose first run has ended, then a regeneration of its copy: copy v2 is active, v1 is not. */
async function setup(options: RunsHarnessOptions = {}) {
  const h = createRunsHarness(options);
  const { campaignId } = await ended(h, T, h.runs.start(T, START));
  await ended(h, T, h.runs.regenerate(T, campaignId, 'copy', { instructions: 'shorter' }));
  const campaign = async () => (await h.repository.getCampaign(T, campaignId))!;
  const guard = async (by = 'editor'): Promise<EditGuard> => ({ by, ifMatch: (await campaign()).etag });
  /** The ids of the artifact's versions, newest first. */
  const ids = async (type: ArtifactType = 'copy') => (await h.editing.versions(T, campaignId, type)).items.map((v) => v.id);
  return { ...h, campaignId, campaign, guard, ids };
}

describe(CampaignEditingService.name, () => {
  describe('versions', () => {
    it('pages an artifact\'s versions newest first, with a token for the next page', async () => {
      const { editing, campaignId } = await setup();
      const first = await editing.versions(T, campaignId, 'copy', 1);
      expect(first).toMatchObject({ items: [{ versionNumber: 2, auditVerdict: 'pass', feedback: 'shorter' }], totalCount: 2, page: 1, pageSize: 1, continuationToken: expect.any(String) });
      const next = await editing.versions(T, campaignId, 'copy', 1, first.continuationToken);
      expect(next).toMatchObject({ items: [{ versionNumber: 1 }], totalCount: 2, page: 2, pageSize: 1 });
      expect(next).not.toHaveProperty('continuationToken');
      expect(await editing.versions(T, campaignId, 'shortCopy')).toMatchObject({ items: [{ versionNumber: 1 }], totalCount: 1, page: 1, pageSize: 20 });
    });

    it('refuses an unknown campaign', async () => {
      const { editing } = await setup();
      await expect(editing.versions(T, 'nope', 'copy')).rejects.toMatchObject(notFound('nope'));
    });

    it('answers a token the store does not know as a validation error on continuationToken', async () => {
      const { editing, campaignId } = await setup();
      await expect(editing.versions(T, campaignId, 'copy', 1, 'not-a-token')).rejects.toMatchObject(BAD_TOKEN);
    });

    it('rethrows a store failure as it is, with a token or without: an outage is no bad token', async () => {
      const { editing, repository, campaignId } = await setup();
      const outage = new StoreError('disk I/O error');
      const other = new Error('boom');
      jest.spyOn(repository, 'listVersions').mockRejectedValueOnce(outage).mockRejectedValueOnce(outage).mockRejectedValueOnce(other);
      await expect(editing.versions(T, campaignId, 'copy')).rejects.toBe(outage);
      await expect(editing.versions(T, campaignId, 'copy', 1, 'a-token')).rejects.toBe(outage);
      await expect(editing.versions(T, campaignId, 'copy', 1, 'a-token')).rejects.toBe(other);
    });
  });

  describe('version', () => {
    it('reads one version with its content and its audit reports', async () => {
      const { editing, campaignId, ids } = await setup();
      const [, v1] = await ids();
      expect(await editing.version(T, campaignId, 'copy', 1)).toMatchObject({ id: v1, versionNumber: 1, content: SAMPLE_CONTENT.copy, auditReports: [{ artifactType: 'copy', verdict: 'pass' }] });
    });

    it('names the missing version of a known campaign, and refuses an unknown campaign', async () => {
      const { editing, campaignId } = await setup();
      await expect(editing.version(T, campaignId, 'copy', 9)).rejects.toMatchObject({ code: 'VERSION_NOT_FOUND', message: 'Version 9 of copy not found' });
      await expect(editing.version(T, 'nope', 'copy', 1)).rejects.toMatchObject(notFound('nope'));
    });
  });

  describe('changes', () => {
    it('refuses an unknown campaign; a campaign nobody edited has none', async () => {
      const { editing, campaignId } = await setup();
      await expect(editing.changes(T, 'nope')).rejects.toMatchObject(notFound('nope'));
      expect(await editing.changes(T, campaignId)).toEqual([]);
    });

    it('lists the changes newest first, with who made them, the action and its details', async () => {
      const { editing, campaignId, guard, ids } = await setup();
      const [v2, v1] = await ids();
      await editing.edit(T, campaignId, { name: 'Renamed' }, await guard('ann'));
      await editing.activate(T, campaignId, 'copy', 1, await guard('bob'));
      expect(await editing.changes(T, campaignId)).toEqual([
        { id: expect.any(String), at: expect.any(String), by: 'bob', action: 'activate', details: { artifactType: 'copy', fromVersionId: v2, toVersionId: v1, toVersionNumber: 1 } },
        { id: expect.any(String), at: expect.any(String), by: 'ann', action: 'edit', details: { fields: ['name'] } },
      ]);
    });
  });

  describe('activate', () => {
    it('makes the version the active one, keeps the other artifacts\' and answers the new ETag', async () => {
      const { editing, campaignId, campaign, guard, ids } = await setup();
      const before = await campaign();
      const [, v1] = await ids();
      const after = await editing.activate(T, campaignId, 'copy', 1, await guard());
      expect(after.activeVersionIds).toEqual({ ...before.activeVersionIds, copy: v1 });
      expect(after.etag).not.toBe(before.etag);
      expect(await campaign()).toMatchObject({ activeVersionIds: { shortCopy: before.activeVersionIds.shortCopy, visualConcept: before.activeVersionIds.visualConcept, copy: v1 }, status: 'completed' });
      expect(before).not.toHaveProperty('approval');
    });

    it('returns an approved campaign to draft and withdraws its approval', async () => {
      const { editing, campaignId, campaign, guard } = await setup();
      expect(await editing.approve(T, campaignId, undefined, await guard())).toMatchObject({ status: 'approved', approval: { by: 'editor' } });
      const after = await editing.activate(T, campaignId, 'copy', 1, await guard());
      expect(after.status).toBe('draft');
      expect(after).not.toHaveProperty('approval');
      expect(await campaign()).toEqual(after);
    });

    it('refuses a stale ETag and an unknown version, changing nothing', async () => {
      const { editing, campaignId, campaign, guard } = await setup();
      const stale = await guard();
      await editing.edit(T, campaignId, { name: 'Renamed' }, stale);
      const before = await campaign();
      await expect(editing.activate(T, campaignId, 'copy', 1, stale)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
      await expect(editing.activate(T, campaignId, 'copy', 9, await guard())).rejects.toMatchObject({ code: 'VERSION_NOT_FOUND', message: 'Version 9 of copy not found' });
      await expect(editing.activate(T, 'nope', 'copy', 1, await guard())).rejects.toMatchObject(notFound('nope'));
      expect(await campaign()).toEqual(before);
      expect((await editing.changes(T, campaignId)).map((c) => c.action)).toEqual(['edit']);
    });
  });

  describe('guards', () => {
    const REQUIRED = { code: 'PRECONDITION_REQUIRED', message: 'Send the campaign\'s ETag as If-Match (read it from GET /api/campaigns/:id)', errors: [{ field: 'If-Match', message: 'is required' }] };

    it.each([undefined, ''])('requires If-Match (%p) for every change', async (ifMatch) => {
      const { editing, campaignId, campaign } = await setup();
      const before = await campaign();
      const guard = { by: 'editor', ifMatch };
      await expect(editing.activate(T, campaignId, 'copy', 1, guard)).rejects.toMatchObject(REQUIRED);
      await expect(editing.approve(T, campaignId, { reason: 'ok' }, guard)).rejects.toMatchObject(REQUIRED);
      await expect(editing.edit(T, campaignId, { name: 'Renamed' }, guard)).rejects.toMatchObject(REQUIRED);
      await expect(editing.delete(T, campaignId, guard)).rejects.toMatchObject(REQUIRED);
      expect(await campaign()).toEqual(before);
    });

    it('refuses to activate, approve or delete while a run of the campaign is going', async () => {
      const { runs, editing, repository } = createRunsHarness({ delayMs: 5_000 });
      const { runId, campaignId } = await runs.start(T, START);
      const { etag, status } = (await repository.getCampaign(T, campaignId))!;
      expect(status).toBe('generating');
      const active = { code: 'RUN_ACTIVE', message: `Campaign ${campaignId} has a run in progress; try again once it has ended` };
      const guard = { by: 'editor', ifMatch: etag };
      await expect(editing.activate(T, campaignId, 'copy', 1, guard)).rejects.toMatchObject(active);
      await expect(editing.approve(T, campaignId, { reason: 'ok' }, guard)).rejects.toMatchObject(active);
      await expect(editing.delete(T, campaignId, guard)).rejects.toMatchObject(active);
      expect(await editing.changes(T, campaignId)).toEqual([]);
      await runs.cancel(T, runId);
    });
  });
});
