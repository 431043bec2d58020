import type { ArtifactType } from '@app/contracts';
import type { GenerationInput } from '../agents/agent';
import { inSpan } from '../telemetry/tracing';
import type { RunContext } from './run-context';

/** The audit feedback on the current version of `type`, for its regeneration. */
export function previousWithFeedback<T extends ArtifactType>(run: RunContext, type: T): GenerationInput<T>['previous'] {
  const artifact = run.state.artifact(type);
  const report = run.state.latestReport(type);
  if (!artifact || !report) return undefined;
  const { verdict, weightedScore, flags, recommendations } = report;
  return { content: artifact.content, feedback: { verdict, weightedScore, flags, recommendations } };
}

/** The artifacts among `types` whose current version failed its audit and may be tried again. */
export function failingArtifacts(run: RunContext, types: ArtifactType[]): ArtifactType[] {
  return types.filter(
    (type) => run.state.latestReport(type)?.verdict === 'fail' && (run.state.attempts[type] ?? 0) < run.settings.maxAttempts,
  );
}

/**
 * The compliance loop (ADR 0006): after an audit, each artifact among `types` whose verdict is
 * `fail` is regenerated with its findings and re-audited, the others kept as they are, until
 * none fails or each failing one has had `maxAttempts` generations. Failing artifacts of one round
 * are regenerated together and audited together. A regeneration that fails keeps the previous
 * version (the agent error is recorded); the loop goes on with the others.
 */
export async function runComplianceLoop(
  run: RunContext,
  types: ArtifactType[],
  extra: (type: ArtifactType) => Pick<GenerationInput, 'reference'> = () => ({}),
): Promise<void> {
  let candidates = failingArtifacts(run, types);
  while (candidates.length > 0 && !run.stopped) {
    const attempt = Math.max(...candidates.map((t) => (run.state.attempts[t] ?? 0) + 1));
    const attributes = { attempt, 'artifact.types': candidates.join(','), 'run.id': run.request.runId, 'campaign.id': run.request.campaignId };
    const next = await inSpan('orchestration.compliance_attempt', attributes, () => complianceRound(run, candidates, extra));
    if (!next) return;
    candidates = next;
  }
}

/** One round: regenerate the candidates together, audit what was regenerated; the artifacts still failing, or undefined to stop. */
async function complianceRound(
  run: RunContext,
  candidates: ArtifactType[],
  extra: (type: ArtifactType) => Pick<GenerationInput, 'reference'>,
): Promise<ArtifactType[] | undefined> {
  const regenerated = await run.timed('generation', () =>
    Promise.all(candidates.map((type) => run.generate(type, { previous: previousWithFeedback(run, type), ...extra(type) }))),
  );
  const fresh = regenerated.filter((a) => a !== undefined).map((a) => a.type);
  if (fresh.length === 0) return undefined;
  const attempt = Math.max(...fresh.map((t) => run.state.attempts[t] ?? 1));
  if (!(await run.audit(fresh, attempt))) return undefined;
  return failingArtifacts(run, fresh);
}
