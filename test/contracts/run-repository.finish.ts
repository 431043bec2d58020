import type { OrchestrationResultStatus } from '@app/contracts';
import { agentError, buildResult, REGENERATED, runError, runOutcome, STILL_FAILING, TERMINAL_STATE } from '../support/run-fixtures';
import { ContractContext, expectConflict, finishWith, numbering, startedRun, TENANT_A, TENANT_B, versionOf } from './run-repository.harness';

/** The end of a run: one outcome, stored whole, numbered and linked. */
export function finishRunContract(ctx: ContractContext): void {
  describe('finishRun', () => {
    it('stores the run’s final status, errors, metrics, versions and terminal event', async () => {
      const { run } = await startedRun(ctx.repo());
      const result = buildResult(run, 'success', REGENERATED, [agentError('shortCopy', 'INVALID_OUTPUT')]);
      const outcome = runOutcome(TENANT_A, result, 7);

      await ctx.repo().finishRun(outcome);

      const detail = (await ctx.repo().getRunDetail(TENANT_A, run.id))!;
      expect(detail).toMatchObject({ id: run.id, status: 'completed', resultStatus: 'success', finishedAt: result.finishedAt, lastSeq: 7 });
      expect(detail.errors).toEqual(result.errors);
      expect(detail.metrics).toEqual(result.metrics);
      expect(detail.attempts).toEqual({ copy: 1, shortCopy: 2, visualConcept: 1 });
      expect(detail.versionIds).toEqual(detail.versions.map((v) => v.id));
      expect(await ctx.repo().getRun(TENANT_A, run.id)).toEqual(expect.objectContaining({ status: 'completed', versionIds: detail.versionIds }));
      const events = await ctx.repo().listEvents(TENANT_A, run.id, 0);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(events.at(-1)).toEqual(outcome.terminalEvent);
      expect(await ctx.repo().listEvents(TENANT_A, run.id, 6)).toEqual([outcome.terminalEvent]);
    });

    it('stores every version in generation order, the latest per type as the run’s artifacts', async () => {
      const { run, campaign } = await startedRun(ctx.repo());
      const result = buildResult(run, 'success', REGENERATED);

      await ctx.repo().finishRun(runOutcome(TENANT_A, result, 7));

      const detail = (await ctx.repo().getRunDetail(TENANT_A, run.id))!;
      expect(numbering(detail)).toEqual([['copy', 1, 1], ['shortCopy', 1, 1], ['visualConcept', 1, 1], ['shortCopy', 2, 2]]);
      detail.versions.forEach((version, i) => {
        const { type, attempt, content, auditVerdict, failedAudit, createdAt } = result.versions[i];
        expect(version).toEqual({ id: expect.any(String), campaignId: campaign.id, runId: run.id, versionNumber: version.versionNumber, type, attempt, content, auditVerdict, failedAudit, createdAt });
      });
      expect(new Set(detail.versions.map((v) => v.id)).size).toBe(4);
      expect(detail.artifacts).toEqual({ copy: versionOf(detail, 'copy', 1), shortCopy: versionOf(detail, 'shortCopy', 2), visualConcept: versionOf(detail, 'visualConcept', 1) });
    });

    it('stores each audit report whole, linked to the version of the same type and attempt', async () => {
      const { run, campaign } = await startedRun(ctx.repo());
      const result = buildResult(run, 'success', REGENERATED);

      await ctx.repo().finishRun(runOutcome(TENANT_A, result, 7));

      const detail = (await ctx.repo().getRunDetail(TENANT_A, run.id))!;
      expect(detail.auditReports).toHaveLength(4);
      detail.auditReports.forEach((report, i) => {
        const judged = versionOf(detail, result.auditReports[i].artifactType, result.auditReports[i].attempt);
        expect(report).toEqual({ ...result.auditReports[i], id: expect.any(String), campaignId: campaign.id, runId: run.id, versionId: judged.id });
      });
      expect(detail.auditReports.map((r) => [r.artifactType, r.attempt, r.verdict])).toEqual(REGENERATED.map((s) => [s.type, s.attempt, s.verdict]));
      expect(new Set(detail.auditReports.map((r) => r.versionId)).size).toBe(4);
    });

    it('activates the latest version of each artifact and completes the campaign', async () => {
      const { run, campaign } = await startedRun(ctx.repo());

      const detail = await finishWith(ctx.repo(), run, 'success', REGENERATED);

      const stored = (await ctx.repo().getCampaignDetail(TENANT_A, campaign.id))!;
      expect(stored.campaign.status).toBe('completed');
      expect(stored.campaign.activeVersionIds).toEqual({ copy: detail.artifacts.copy!.id, shortCopy: detail.artifacts.shortCopy!.id, visualConcept: detail.artifacts.visualConcept!.id });
      expect(stored.activeArtifacts).toEqual(detail.artifacts);
      expect(stored.latestAudit.shortCopy).toMatchObject({ versionId: detail.artifacts.shortCopy!.id, attempt: 2, verdict: 'pass' });
      expect(stored.latestAudit.copy?.versionId).toBe(detail.artifacts.copy!.id);
      expect(stored.latestAudit.visualConcept).toMatchObject({ versionId: detail.artifacts.visualConcept!.id, verdict: 'conditional' });
    });

    it('numbers versions per campaign artifact across runs and never rewrites earlier ones', async () => {
      const { run: first, campaign } = await startedRun(ctx.repo());
      const firstDetail = await finishWith(ctx.repo(), first, 'success', REGENERATED);
      const { run: second } = await startedRun(ctx.repo(), TENANT_A, campaign);
      const elsewhere = await startedRun(ctx.repo());

      const secondDetail = await finishWith(ctx.repo(), second, 'success', [
        { type: 'copy', attempt: 1, verdict: 'pass' },
        { type: 'shortCopy', attempt: 1, verdict: 'pass' },
        { type: 'visualConcept', attempt: 1, verdict: 'fail' },
        { type: 'visualConcept', attempt: 2, verdict: 'pass' },
      ]);
      const otherCampaign = await finishWith(ctx.repo(), elsewhere.run, 'success', REGENERATED);

      expect(numbering(secondDetail)).toEqual([['copy', 1, 2], ['shortCopy', 1, 3], ['visualConcept', 1, 2], ['visualConcept', 2, 3]]);
      expect(numbering(otherCampaign)).toEqual([['copy', 1, 1], ['shortCopy', 1, 1], ['visualConcept', 1, 1], ['shortCopy', 2, 2]]);
      expect(await ctx.repo().getRunDetail(TENANT_A, first.id)).toEqual(firstDetail);
      expect((await ctx.repo().getCampaign(TENANT_A, campaign.id))?.activeVersionIds).toEqual({
        copy: secondDetail.artifacts.copy!.id,
        shortCopy: secondDetail.artifacts.shortCopy!.id,
        visualConcept: versionOf(secondDetail, 'visualConcept', 2).id,
      });
    });

    it('keeps the previous active version of an artifact that still fails its audit', async () => {
      const { run: first, campaign } = await startedRun(ctx.repo());
      const firstDetail = await finishWith(ctx.repo(), first, 'success', REGENERATED);
      const { run: second } = await startedRun(ctx.repo(), TENANT_A, campaign);

      const secondDetail = await finishWith(ctx.repo(), second, 'partialSuccess', STILL_FAILING);

      expect(secondDetail).toMatchObject({ status: 'partiallyCompleted', resultStatus: 'partialSuccess' });
      expect(secondDetail.artifacts.shortCopy).toMatchObject({ attempt: 2, versionNumber: 4, auditVerdict: 'fail', failedAudit: true });
      const stored = (await ctx.repo().getCampaignDetail(TENANT_A, campaign.id))!;
      expect(stored.campaign.status).toBe('partiallyCompleted');
      expect(stored.campaign.activeVersionIds).toEqual({ copy: secondDetail.artifacts.copy!.id, shortCopy: firstDetail.artifacts.shortCopy!.id, visualConcept: secondDetail.artifacts.visualConcept!.id });
      expect(stored.activeArtifacts.shortCopy).toEqual(firstDetail.artifacts.shortCopy);
      expect(stored.latestAudit.shortCopy).toMatchObject({ runId: first.id, versionId: firstDetail.artifacts.shortCopy!.id, verdict: 'pass' });
      expect(stored.latestAudit.copy).toMatchObject({ runId: second.id, versionId: secondDetail.artifacts.copy!.id });
    });

    it('activates nothing for an artifact that fails its audit in the campaign’s first run', async () => {
      const { run, campaign } = await startedRun(ctx.repo());

      const detail = await finishWith(ctx.repo(), run, 'partialSuccess', STILL_FAILING);

      const stored = (await ctx.repo().getCampaignDetail(TENANT_A, campaign.id))!;
      expect(stored.campaign.activeVersionIds).toEqual({ copy: detail.artifacts.copy!.id, visualConcept: detail.artifacts.visualConcept!.id });
      expect(stored.activeArtifacts.shortCopy).toBeUndefined();
      expect(stored.latestAudit.shortCopy).toBeUndefined();
      expect(detail.versions).toHaveLength(4);
    });

    it.each<[OrchestrationResultStatus, string]>([
      ['success', 'completed'],
      ['partialSuccess', 'partiallyCompleted'],
      ['failed', 'failed'],
      ['cancelled', 'cancelled'],
    ])('ends a %s run and its campaign as %s', async (resultStatus, status) => {
      const { run, campaign } = await startedRun(ctx.repo());
      const specs = resultStatus === 'failed' ? [] : resultStatus === 'partialSuccess' ? STILL_FAILING : REGENERATED;

      await finishWith(ctx.repo(), run, resultStatus, specs);

      expect(await ctx.repo().getRun(TENANT_A, run.id)).toMatchObject({ status, resultStatus });
      expect((await ctx.repo().getCampaign(TENANT_A, campaign.id))?.status).toBe(status);
      expect((await ctx.repo().listEvents(TENANT_A, run.id, 6)).map((e) => e.state)).toEqual([TERMINAL_STATE[resultStatus]]);
    });

    it('stores a failed run without versions and keeps the campaign’s active versions', async () => {
      const { run: first, campaign } = await startedRun(ctx.repo());
      const firstDetail = await finishWith(ctx.repo(), first, 'success', REGENERATED);
      const { run } = await startedRun(ctx.repo(), TENANT_A, campaign);
      const errors = [agentError('copy', 'AGENT_TIMEOUT'), agentError('shortCopy', 'LLM_UNAVAILABLE'), agentError('visualConcept', 'INVALID_OUTPUT')];

      await ctx.repo().finishRun(runOutcome(TENANT_A, buildResult(run, 'failed', [], errors), 7));

      expect(await ctx.repo().getRunDetail(TENANT_A, run.id)).toMatchObject({ status: 'failed', errors, versionIds: [], versions: [], auditReports: [], artifacts: {} });
      const stored = (await ctx.repo().getCampaignDetail(TENANT_A, campaign.id))!;
      expect(stored.campaign.status).toBe('failed');
      expect(stored.activeArtifacts).toEqual(firstDetail.artifacts);
    });

    it('stores a cancelled run with the partial artifacts it produced', async () => {
      const { run, campaign } = await startedRun(ctx.repo());
      const errors = [runError('CANCELLED')];

      await ctx.repo().finishRun(runOutcome(TENANT_A, buildResult(run, 'cancelled', [{ type: 'copy', attempt: 1, verdict: 'unaudited' }], errors), 7));

      const detail = (await ctx.repo().getRunDetail(TENANT_A, run.id))!;
      expect(detail).toMatchObject({ status: 'cancelled', resultStatus: 'cancelled', errors, auditReports: [] });
      expect(numbering(detail)).toEqual([['copy', 1, 1]]);
      expect(detail.artifacts.copy).toMatchObject({ auditVerdict: 'unaudited', failedAudit: false });
      const stored = (await ctx.repo().getCampaignDetail(TENANT_A, campaign.id))!;
      expect(stored.campaign).toMatchObject({ status: 'cancelled', activeVersionIds: { copy: detail.artifacts.copy!.id } });
      expect(stored.latestAudit).toEqual({});
    });

    it('refuses to finish a run twice and keeps the first outcome', async () => {
      const { run, campaign } = await startedRun(ctx.repo());
      const firstDetail = await finishWith(ctx.repo(), run, 'success', REGENERATED);
      const campaignBefore = await ctx.repo().getCampaignDetail(TENANT_A, campaign.id);

      await expectConflict(ctx.repo().finishRun(runOutcome(TENANT_A, buildResult(run, 'failed', STILL_FAILING), 8)), 'RUN_ALREADY_FINISHED');

      expect(await ctx.repo().getRunDetail(TENANT_A, run.id)).toEqual(firstDetail);
      expect(await ctx.repo().getCampaignDetail(TENANT_A, campaign.id)).toEqual(campaignBefore);
      expect(await ctx.repo().listEvents(TENANT_A, run.id, 7)).toEqual([]);
    });

    it('refuses to finish another tenant’s run and changes nothing of it', async () => {
      const { run, campaign } = await startedRun(ctx.repo());

      await expectConflict(ctx.repo().finishRun(runOutcome(TENANT_B, buildResult(run, 'success', REGENERATED), 7)), 'RUN_NOT_FOUND');

      expect(await ctx.repo().getRunDetail(TENANT_A, run.id)).toMatchObject({ status: 'running', lastSeq: 6, versions: [], auditReports: [] });
      expect((await ctx.repo().getCampaign(TENANT_A, campaign.id))).toMatchObject({ status: 'generating', activeVersionIds: {} });
      expect(await ctx.repo().listEvents(TENANT_A, run.id, 6)).toEqual([]);
    });
  });
}
