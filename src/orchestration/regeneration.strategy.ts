import type { ExecutionStrategy } from './execution-strategy';
import { runComplianceLoop } from './compliance-loop';
import type { RunContext } from './run-context';

/**
 * A regeneration an editor asked for: one generator, given the artifact's current version with
 * its audit findings and the editor's instructions (on every attempt), then its audit and the
 * compliance loop as in any run. The execution mode does not matter with one artifact.
 */
export class RegenerationStrategy implements ExecutionStrategy {
  async execute(run: RunContext): Promise<void> {
    const { artifactType: type, base } = run.request.regeneration!;
    const previous = base ? { content: base.content, feedback: base.feedback ?? { verdict: 'pass' as const, weightedScore: 100, flags: [], recommendations: [] } } : undefined;
    const artifact = await run.timed('generation', () => run.generate(type, previous ? { previous } : {}));
    if (run.stopped) return;
    run.emit('GenerationComplete', artifact ? `Regenerated ${type}` : `${type} was not regenerated`, { metadata: { produced: artifact ? [type] : [], failed: artifact ? [] : [type] } });
    if (artifact && (await run.audit([type], artifact.attempt))) await runComplianceLoop(run, [type]);
  }
}
