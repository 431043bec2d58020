import { ARTIFACT_TYPES, ArtifactType } from '@app/contracts';
import type { GenerationInput } from '../agents/agent';
import type { ExecutionStrategy } from './execution-strategy';
import { runComplianceLoop } from './compliance-loop';
import type { RunContext } from './run-context';

/**
 * Sequential mode: copy, then its audit (and compliance loop), then the short copy written with
 * the approved copy as reference, then its audit, then the visual concept, then its audit.
 * `GenerationComplete` is emitted once the last generator has produced its first version.
 *
 * Trade-offs: about three times the wall time of parallel mode and a later first complete bundle,
 * but each artifact is audited as soon as it exists, the short copy builds on copy that already
 * passed, and only one LLM call is in flight at a time (gentler on rate limits and quotas). A
 * failing artifact is fixed before the next one starts, so a cancel mid-run keeps finished,
 * audited artifacts.
 */
export class SequentialStrategy implements ExecutionStrategy {
  async execute(run: RunContext): Promise<void> {
    const produced: ArtifactType[] = [];
    for (const type of ARTIFACT_TYPES) {
      if (run.stopped) return;
      const extra = (t: ArtifactType): Pick<GenerationInput, 'reference'> => {
        const copy = run.state.artifact('copy');
        return t === 'shortCopy' && copy ? { reference: { copy: copy.content } } : {};
      };
      const artifact = await run.timed('generation', () => run.generate(type, extra(type)));
      if (run.stopped) return;
      if (artifact) produced.push(type);
      if (type === 'visualConcept') {
        const failed = ARTIFACT_TYPES.filter((t) => !produced.includes(t));
        run.emit('GenerationComplete', `Generated ${produced.length} of ${ARTIFACT_TYPES.length} artifacts`, { metadata: { produced, failed } });
      }
      if (artifact && (await run.audit([type], artifact.attempt))) await runComplianceLoop(run, [type], extra);
    }
  }
}
