import { aBrief } from '../agents/testing/fixtures';
import { SAMPLE_CONTENT } from '../orchestration/testing/fake-agents';
import { StoreConflictError, StoreError } from '../persistence/store-errors';
import { CampaignsService } from './campaigns.service';
import { createRunsHarness, ended } from './testing/runs-harness';

const T = 't';
const notFound = (id: string) => ({ code: 'CAMPAIGN_NOT_FOUND', message: `Campaign ${id} not found` });

/** The harness with campaigns `names` created in that order (the last is the newest). */
async function setup(...names: string[]) {
  const h = createRunsHarness();
  const created = [];
  for (const name of names) created.push(await h.campaigns.create(T, { name, brief: aBrief() }));
  return { ...h, created };
}

describe(CampaignsService.name, () => {
  it('creates a draft campaign of the tenant with the name and a copy of the brief', async () => {
    const { campaigns, repository } = await setup();
    const brief = aBrief({ toneGuidelines: ['warm'] });
    const created = await campaigns.create(T, { name: 'Spring', brief });
    brief.toneGuidelines!.push('loud');

    expect(created).toMatchObject({ name: 'Spring', brief: aBrief({ toneGuidelines: ['warm'] }), status: 'draft', activeVersionIds: {}, isDeleted: false, briefRevision: 1 });
    expect(created.brief).not.toBe(brief);
    expect(await repository.getCampaign(T, created.id)).toEqual(created);
    expect(await repository.getCampaign('other', created.id)).toBeUndefined();
  });

  describe('list', () => {
    it('pages the tenant\'s campaigns newest first, with the total and a token while more follow', async () => {
      const { campaigns } = await setup('A', 'B', 'C');
      const names = (page: { items: { name: string }[] }) => page.items.map((c) => c.name);

      const first = await campaigns.list(T, 1, 2);
      expect(first).toMatchObject({ totalCount: 3, page: 1, pageSize: 2, continuationToken: expect.any(String) });
      expect(names(first)).toEqual(['C', 'B']);
      const next = await campaigns.list(T, 1, 2, first.continuationToken);
      expect(next).toMatchObject({ totalCount: 3, page: 2, pageSize: 2 });
      expect(names(next)).toEqual(['A']);
      expect(next).not.toHaveProperty('continuationToken');
      expect(names(await campaigns.list(T, 2, 2))).toEqual(['A']);
      expect(await campaigns.list(T)).toMatchObject({ totalCount: 3, page: 1, pageSize: 20 });
      expect(await campaigns.list('other')).toMatchObject({ items: [], totalCount: 0 });
    });

    it('answers a token the store refuses as a validation error on continuationToken', async () => {
      const { campaigns, repository } = await setup('A');
      const invalid = { code: 'VALIDATION_FAILED', message: 'The continuation token is not valid', errors: [{ field: 'continuationToken', message: 'is not a token of this list' }] };
      await expect(campaigns.list(T, 1, 20, 'not-a-token')).rejects.toMatchObject(invalid);
      // Cosmos DB refuses a token it did not make with a 400.
      jest.spyOn(repository, 'listCampaigns').mockRejectedValueOnce(new StoreError('Cosmos DB request failed: bad token', { cause: { code: 400 } }));
      await expect(campaigns.list(T, 1, 20, 'a-token')).rejects.toMatchObject(invalid);
    });

    it('rethrows store failures as they are: any without a token, and those that are no refusal of the token', async () => {
      const { campaigns, repository } = await setup('A');
      const failures = [new StoreConflictError('STORE_ERROR', 'refused'), new StoreError('bad token', { cause: { code: 400 } }), new StoreError('disk I/O error'), new StoreError('unavailable', { cause: { code: 503 } })];
      const list = jest.spyOn(repository, 'listCampaigns');
      for (const [i, failure] of failures.entries()) {
        list.mockRejectedValueOnce(failure);
        await expect(campaigns.list(T, 1, 20, i < 2 ? undefined : 'a-token')).rejects.toBe(failure);
      }
    });
  });

  describe('detail', () => {
    it('reads a campaign with its active artifacts and their latest audits', async () => {
      const h = createRunsHarness();
      const { campaignId } = await ended(h, T, h.runs.start(T, { campaign: { name: 'C', brief: aBrief() }, selectedPlatforms: ['x'] }));
      const detail = await h.campaigns.detail(T, campaignId);
      expect(detail).toMatchObject({ campaign: { id: campaignId, name: 'C', status: 'completed' }, activeArtifacts: { copy: { versionNumber: 1, content: SAMPLE_CONTENT.copy } }, latestAudit: { copy: { verdict: 'pass' } } });
      expect(detail.activeArtifacts.copy?.id).toBe(detail.campaign.activeVersionIds.copy);
    });

    it('refuses an unknown campaign and another tenant\'s, naming the id', async () => {
      const { campaigns, created: [a] } = await setup('A');
      await expect(campaigns.detail(T, 'nope')).rejects.toMatchObject(notFound('nope'));
      await expect(campaigns.detail('other', a.id)).rejects.toMatchObject(notFound(a.id));
    });
  });

  describe('runs', () => {
    it('lists a campaign\'s runs newest first; a campaign without runs has none', async () => {
      const h = await setup('Idle');
      const first = await ended(h, T, h.runs.start(T, { campaign: { name: 'C', brief: aBrief() }, selectedPlatforms: ['x'] }));
      const second = await ended(h, T, h.runs.regenerate(T, first.campaignId, 'copy', { instructions: 'shorter' }));
      const listed = await h.campaigns.runs(T, first.campaignId);
      expect(listed.map((r) => r.id)).toEqual([second.runId, first.runId]);
      expect(listed.map((r) => r.status)).toEqual(['completed', 'completed']);
      expect(await h.campaigns.runs(T, h.created[0].id)).toEqual([]);
    });

    it('refuses an unknown campaign and another tenant\'s', async () => {
      const { campaigns, created: [a] } = await setup('A');
      await expect(campaigns.runs(T, 'nope')).rejects.toMatchObject(notFound('nope'));
      await expect(campaigns.runs('other', a.id)).rejects.toMatchObject(notFound(a.id));
    });
  });
});
