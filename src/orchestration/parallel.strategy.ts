import { ARTIFACT_TYPES } from '@app/contracts';
import type { ExecutionStrategy } from './execution-strategy';
import { runComplianceLoop } from './compliance-loop';
import type { RunContext } from './run-context';

/**
 * Parallel mode (the default): the three generators start together, then one audit scores all
 * artifacts, then the compliance loop regenerates the failing ones together.
 *
 * Trade-offs: the run takes as long as the slowest generator plus the audits, the shortest wall
 * time and the earliest first artifact; the short copy works from the brief alone (it cannot see
 * the long-form copy), so tone may drift between artifacts and the audit is the only check of
 * consistency; three LLM calls are in flight at once, which meets rate limits sooner.
 */
export class ParallelStrategy implements ExecutionStrategy {
  async execute(run: RunContext): Promise<void> {
    const artifacts = await run.timed('generation', () => Promise.all(ARTIFACT_TYPES.map((type) => run.generate(type))));
    if (run.stopped) return;
    const produced = artifacts.filter((a) => a !== undefined).map((a) => a.type);
    const failed = ARTIFACT_TYPES.filter((t) => !produced.includes(t));
    run.emit('GenerationComplete', `Generated ${produced.length} of ${ARTIFACT_TYPES.length} artifacts`, { metadata: { produced, failed } });
    if (produced.length === 0) return;
    if (!(await run.audit(produced, 1))) return;
    await runComplianceLoop(run, produced);
  }
}
