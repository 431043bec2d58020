import { aBrief, aShortCopy } from '../agents/testing/fixtures';
import type { FakeScripts } from '../orchestration/testing/fake-agents';
import { createRunsHarness, eventsOf } from './testing/runs-harness';

const NEW_CAMPAIGN = { campaign: { name: 'C', brief: aBrief() }, selectedPlatforms: ['x' as const, 'linkedin' as const] };

/** The runs module with a campaign whose first run has ended (its audit verdicts from `scripts`). */
async function campaignWithFirstRun(scripts: FakeScripts = {}) {
  const harness = createRunsHarness({ delayMs: 0, scripts: Object.keys(scripts).length ? scripts : undefined });
  const first = await harness.runs.start('t', NEW_CAMPAIGN);
  await finished(harness, first.runId);
  const end = async (runId: string) => finished(harness, runId);
  return { ...harness, campaignId: first.campaignId, firstRunId: first.runId, end };
}

const finished = (harness: ReturnType<typeof createRunsHarness>, runId: string) => eventsOf(harness, 't', runId);

describe('RunsService.regenerate', () => {
  it('stores a run of one generator with what the editor asked, from the active version, and hands the generator that version with its audit findings', async () => {
    const { runs, repository, agents, campaignId, end } = await campaignWithFirstRun({ verdict: () => 'conditional' });
    const active = (await repository.getCampaignDetail('t', campaignId))!;
    const base = active.activeArtifacts.copy!;
    const report = active.latestAudit.copy!;

    const started = await runs.regenerate('t', campaignId, 'copy', { instructions: 'Shorter' }, { requestedBy: 'editor@example.com' });
    await end(started.runId);

    expect(started).toEqual({ runId: started.runId, campaignId, status: 'queued' });
    expect(await repository.getRun('t', started.runId)).toMatchObject({
      campaignId,
      selectedPlatforms: ['x', 'linkedin'],
      briefRevision: 1,
      requestedBy: 'editor@example.com',
      regeneration: { artifactType: 'copy', instructions: 'Shorter', activate: 'unlessFailed', baseVersionId: base.id },
    });
    const stored = await repository.getRun('t', started.runId);
    expect(stored?.regeneration).not.toHaveProperty('platforms');
    expect(agents.copy.calls.at(-1)?.input).toMatchObject({
      instructions: 'Shorter',
      previous: { content: base.content, feedback: { verdict: report.verdict, weightedScore: report.weightedScore, flags: report.flags, recommendations: report.recommendations } },
    });
    expect(agents.shortCopy.calls).toHaveLength(1);
  });

  it('works from the campaign\'s current brief revision after an edit', async () => {
    const { runs, repository, editing, agents, campaignId, end } = await campaignWithFirstRun();
    const campaign = (await repository.getCampaign('t', campaignId))!;
    await editing.edit('t', campaignId, { brief: aBrief({ objective: 'Win back lapsed subscribers' }) }, { by: 'ann', ifMatch: campaign.etag });

    const started = await runs.regenerate('t', campaignId, 'copy', { instructions: 'Shorter' });
    await end(started.runId);
    expect(await repository.getRun('t', started.runId)).toMatchObject({ briefRevision: 2 });
    expect(agents.copy.calls.at(-1)?.input.brief.objective).toBe('Win back lapsed subscribers');
  });

  it('keeps the activation the editor chose, and the platforms of a short-copy regeneration beside the ones the version has', async () => {
    const { runs, repository, agents, campaignId, end } = await campaignWithFirstRun();
    const started = await runs.regenerate('t', campaignId, 'shortCopy', { instructions: 'Punchier', platforms: ['instagram', 'x'], activate: 'never' });
    await end(started.runId);

    expect((await repository.getRun('t', started.runId))).toMatchObject({
      selectedPlatforms: ['x', 'linkedin', 'instagram'],
      regeneration: { artifactType: 'shortCopy', platforms: ['instagram', 'x'], activate: 'never' },
    });
    // The generator writes for the chosen platforms only; the version keeps the others from the base.
    expect(agents.shortCopy.calls.at(-1)?.input.selectedPlatforms).toEqual(['instagram', 'x']);
    const latest = (await repository.getCampaignDetail('t', campaignId))!;
    expect(latest.activeArtifacts.shortCopy?.runId).not.toBe(started.runId);
  });

  it('regenerates short copy on the platforms its active version has when the editor names none', async () => {
    const harness = createRunsHarness({ delayMs: 0, scripts: { shortCopy: () => ({ output: aShortCopy(['facebook']) }) } });
    const first = await harness.runs.start('t', NEW_CAMPAIGN);
    await finished(harness, first.runId);
    const started = await harness.runs.regenerate('t', first.campaignId, 'shortCopy', { instructions: 'Again' });
    expect((await harness.repository.getRun('t', started.runId))?.selectedPlatforms).toEqual(['facebook']);
  });

  it('needs platforms for the first short copy of a campaign that never ran, and runs other artifacts of it on x', async () => {
    const harness = createRunsHarness({ delayMs: 0 });
    const { runs, campaigns, repository } = harness;
    const campaign = await campaigns.create('t', { name: 'New', brief: aBrief() });

    await expect(runs.regenerate('t', campaign.id, 'shortCopy', { instructions: 'Go' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The campaign has no short copy yet: name the platforms',
      errors: [{ field: 'platforms', message: 'platforms are required for a first short copy' }],
    });
    const visual = await runs.regenerate('t', campaign.id, 'visualConcept', { instructions: 'Bolder' });
    expect(await repository.getRun('t', visual.runId)).toMatchObject({ selectedPlatforms: ['x'], regeneration: { artifactType: 'visualConcept' } });
    expect((await repository.getRun('t', visual.runId))?.regeneration).not.toHaveProperty('baseVersionId');
    await finished(harness, visual.runId);
  });

  it('refuses platforms for another artifact than short copy, and unknown campaigns, before storing anything', async () => {
    const { runs, repository, campaignId } = await campaignWithFirstRun();
    await expect(runs.regenerate('t', campaignId, 'copy', { instructions: 'x', platforms: ['x'] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Platforms can only be chosen for shortCopy',
      errors: [{ field: 'platforms', message: 'platforms can only be chosen for shortCopy' }],
    });
    await expect(runs.regenerate('t', 'nope', 'copy', { instructions: 'x' })).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND', message: 'Campaign nope not found' });
    await expect(runs.regenerate('other', campaignId, 'copy', { instructions: 'x' })).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND' });
    expect(await repository.listRuns('t', campaignId)).toHaveLength(1);
  });

  it('answers a repeat with its idempotency key with the first run, and refuses the key for other instructions or another artifact', async () => {
    const { runs, repository, campaignId } = await campaignWithFirstRun();
    const first = await runs.regenerate('t', campaignId, 'copy', { instructions: 'Shorter' }, { idempotencyKey: 'r-1' });

    expect(await runs.regenerate('t', campaignId, 'copy', { instructions: 'Shorter' }, { idempotencyKey: 'r-1' })).toEqual({ ...first, replayed: true });
    await expect(runs.regenerate('t', campaignId, 'copy', { instructions: 'Longer' }, { idempotencyKey: 'r-1' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await expect(runs.regenerate('t', campaignId, 'visualConcept', { instructions: 'Shorter' }, { idempotencyKey: 'r-1' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await repository.listRuns('t', campaignId)).toHaveLength(2);
  });
});
