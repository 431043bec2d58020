import type { ArtifactVersion, OrchestrationRun, StoredAuditReport, VersionSummary } from '@app/contracts';

/** A version's entry in its artifact's history: the version, its latest audit, the run that made it. */
export function summaryOf(version: ArtifactVersion, report: StoredAuditReport | undefined, run: OrchestrationRun | undefined, activeId: string | undefined): VersionSummary {
  return {
    id: version.id,
    versionNumber: version.versionNumber,
    runId: version.runId,
    attempt: version.attempt,
    auditVerdict: version.auditVerdict,
    failedAudit: version.failedAudit,
    ...(report ? { weightedScore: report.weightedScore, scores: report.scores } : {}),
    ...(run?.regeneration ? { feedback: run.regeneration.instructions } : {}),
    ...(run?.requestedBy ? { requestedBy: run.requestedBy } : {}),
    ...(run?.briefRevision !== undefined ? { briefRevision: run.briefRevision } : {}),
    active: version.id === activeId,
    createdAt: version.createdAt,
  };
}
