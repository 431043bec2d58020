import type { RegenerationRequest } from '@app/contracts';
import { aCopy, aShortCopy, aVariant } from '../agents/testing/fixtures';
import { expectValidStream, reportFor, SAMPLE_CONTENT, trace } from './testing/fake-agents';
import { collect, createHarness, sampleRequest } from './testing/orchestrator-harness';
import { OrchestrationValidationError } from './orchestration-errors';
import { validateRunRequest } from './validate-request';

const base = (content: RegenerationRequest['base'] extends infer B ? (B extends { content: infer C } ? C : never) : never = aCopy()) => ({
  versionId: 'v-3',
  versionNumber: 3,
  content,
  feedback: { verdict: 'conditional' as const, weightedScore: 74, flags: [], recommendations: [{ text: 'Shorter headlines', priority: 'medium' as const }] },
});
const regeneration = (overrides: Partial<RegenerationRequest> = {}): RegenerationRequest => ({ artifactType: 'copy', instructions: 'More playful', base: base(), ...overrides });

describe('A regeneration of one artifact', () => {
  it('runs only its generator, then its audit: one GenerationComplete, one terminal event, a success with that one artifact', async () => {
    const { orchestrator, agents } = createHarness();
    const { events, result } = await collect(orchestrator.run(sampleRequest({ regeneration: regeneration() })));

    expectValidStream(events);
    expect(trace(events)).toEqual([
      'Queued/1',
      'GeneratingCopy/copy/started/1',
      'GeneratingCopy/copy/completed/1',
      'GenerationComplete/1',
      'Auditing/audit/started/1',
      'Auditing/audit/completed/1',
      'Completed/1',
    ]);
    expect(events[0]).toMatchObject({ message: 'Regeneration of copy queued', metadata: { regeneration: { artifactType: 'copy', activate: 'unlessFailed', baseVersionId: 'v-3' } } });
    expect(events[3].metadata).toEqual({ produced: ['copy'], failed: [] });
    expect([agents.shortCopy.calls, agents.visualConcept.calls]).toEqual([[], []]);
    expect(result.status).toBe('success');
    expect(Object.keys(result.artifacts)).toEqual(['copy']);
    expect(agents.audit.calls[0].input.subjects.map((s) => s.type)).toEqual(['copy']);
  });

  it('hands the generator the base version with its audit findings and the instructions, and keeps the instructions on every attempt of the compliance loop', async () => {
    const { orchestrator, agents } = createHarness({ verdict: (_, attempt) => (attempt === 1 ? 'fail' : 'pass') });
    await collect(orchestrator.run(sampleRequest({ regeneration: regeneration() })));

    expect(agents.copy.calls).toHaveLength(2);
    const [first, second] = agents.copy.calls.map((c) => c.input);
    expect(first).toMatchObject({ attempt: 1, instructions: 'More playful', previous: { content: aCopy(), feedback: base().feedback } });
    const failed = reportFor('copy', 1, 'fail');
    expect(second).toMatchObject({ attempt: 2, instructions: 'More playful', previous: { content: SAMPLE_CONTENT.copy, feedback: { verdict: 'fail', flags: failed.flags } } });
  });

  it('without a base version (the artifact never existed) generates from the brief and the instructions alone', async () => {
    const { orchestrator, agents } = createHarness();
    await collect(orchestrator.run(sampleRequest({ regeneration: regeneration({ base: undefined, artifactType: 'visualConcept' }) })));

    expect(agents.visualConcept.calls[0].input).not.toHaveProperty('previous');
    expect(agents.visualConcept.calls[0].input.instructions).toBe('More playful');
  });

  it('rewrites short copy for the chosen platforms only: the generator is asked for them, the version keeps the other platforms from the base', async () => {
    const fresh = { platforms: [{ platform: 'x' as const, variants: [aVariant({ text: 'New x post' }), aVariant(), aVariant()] }] };
    const { orchestrator, agents } = createHarness({ shortCopy: () => ({ output: fresh }) });
    const old = aShortCopy(['linkedin', 'x']);
    const { events, result } = await collect(orchestrator.run(sampleRequest({ regeneration: regeneration({ artifactType: 'shortCopy', platforms: ['x'], base: { ...base(), content: old } }) })));

    expect(agents.shortCopy.calls[0].input.selectedPlatforms).toEqual(['x']);
    const merged = result.artifacts.shortCopy!.content;
    expect(merged.platforms.map((p) => p.platform)).toEqual(['linkedin', 'x']);
    expect(merged.platforms[0]).toEqual(old.platforms[0]);
    expect(merged.platforms[1]).toEqual(fresh.platforms[0]);
    // What the dashboard sees as the artifact completes is the whole version too.
    expect(events.find((e) => e.phase === 'completed' && e.agentType === 'shortCopy')?.metadata?.content).toEqual(merged);
    expect(agents.audit.calls[0].input.subjects[0].content).toEqual(merged);
  });

  it('adds the chosen platforms the base version lacked after the ones it had, and times the generation', async () => {
    const fresh = { platforms: [{ platform: 'instagram' as const, variants: [aVariant({ text: 'New post' }), aVariant(), aVariant()] }] };
    const { orchestrator } = createHarness({ shortCopy: () => ({ output: fresh, delayMs: 20 }) });
    const request = sampleRequest({ selectedPlatforms: ['x', 'linkedin', 'instagram'], regeneration: regeneration({ artifactType: 'shortCopy', platforms: ['instagram'], base: { ...base(), content: aShortCopy(['linkedin', 'x']) } }) });
    const { events, result } = await collect(orchestrator.run(request));

    expect(result.artifacts.shortCopy!.content.platforms.map((p) => p.platform)).toEqual(['linkedin', 'x', 'instagram']);
    const durationMs = events.find((e) => e.phase === 'completed' && e.agentType === 'shortCopy')?.metadata?.durationMs as number;
    expect(durationMs).toBeGreaterThanOrEqual(15);
    expect(durationMs).toBeLessThan(5_000);
    expect(result.metrics.agentMs.shortCopy).toBeGreaterThanOrEqual(15);
    expect(result.metrics.agentMs.shortCopy).toBeLessThan(5_000);
  });

  it('ends partial when its one artifact still fails its audit, and failed when its generator fails', async () => {
    const failing = createHarness({ verdict: () => 'fail' }, { maxAttempts: 2 });
    expect((await collect(failing.orchestrator.run(sampleRequest({ regeneration: regeneration() })))).result.status).toBe('partialSuccess');
    const broken = createHarness({ copy: () => ({ error: new Error('boom') }) });
    const { events, result } = await collect(broken.orchestrator.run(sampleRequest({ regeneration: regeneration() })));
    expect(result.status).toBe('failed');
    expect(events.find((e) => e.state === 'GenerationComplete')?.metadata).toEqual({ produced: [], failed: ['copy'] });
    expect(broken.agents.audit.calls).toEqual([]);
  });
});

describe('A regeneration, what it says and what it hands over', () => {
  it('hands over a base version that was never audited as a passing one without findings', async () => {
    const { orchestrator, agents } = createHarness();
    await collect(orchestrator.run(sampleRequest({ regeneration: regeneration({ base: { ...base(), feedback: undefined } }) })));

    expect(agents.copy.calls[0].input.previous).toEqual({ content: aCopy(), feedback: { verdict: 'pass', weightedScore: 100, flags: [], recommendations: [] } });
  });

  it('announces what it regenerated, or that it could not', async () => {
    const { events } = await collect(createHarness().orchestrator.run(sampleRequest({ regeneration: regeneration() })));
    expect(events.find((e) => e.state === 'GenerationComplete')?.message).toBe('Regenerated copy');

    const broken = createHarness({ visualConcept: () => ({ error: new Error('boom') }) });
    const failed = await collect(broken.orchestrator.run(sampleRequest({ regeneration: regeneration({ artifactType: 'visualConcept', base: undefined }) })));
    expect(failed.events.find((e) => e.state === 'GenerationComplete')?.message).toBe('visualConcept was not regenerated');
  });

  it('stops after a generation cancelled meanwhile: no GenerationComplete, no audit', async () => {
    const { orchestrator, agents } = createHarness({ copy: () => ({ output: aCopy(), delayMs: 50 }) });
    const controller = new AbortController();
    const execution = orchestrator.run(sampleRequest({ regeneration: regeneration() }), controller.signal);
    setTimeout(() => controller.abort(), 10);
    const { events } = await collect(execution);

    expect(events.map((e) => e.state)).not.toContain('GenerationComplete');
    expect(events.at(-1)?.state).toBe('Cancelled');
    expect(agents.audit.calls).toEqual([]);
  });
});

describe('validateRunRequest of a regeneration', () => {
  const check = (r: Partial<RegenerationRequest>) => () => validateRunRequest(sampleRequest({ regeneration: regeneration(r) }));
  const fields = (r: Partial<RegenerationRequest>) => {
    try {
      check(r)();
    } catch (error) {
      expect(error).toBeInstanceOf(OrchestrationValidationError);
      return (error as OrchestrationValidationError).errors.map((e) => e.field);
    }
    throw new Error('expected the request to be refused');
  };

  it('sets activate to unlessFailed, trims the instructions, and freezes a copy of the base', () => {
    const given = regeneration({ instructions: '  More playful  ' });
    const valid = validateRunRequest(sampleRequest({ regeneration: given }));
    expect(valid.regeneration).toEqual({ ...given, instructions: 'More playful', activate: 'unlessFailed' });
    expect(valid.regeneration!.base).not.toBe(given.base);
    expect(Object.isFrozen(valid.regeneration!.base!.content)).toBe(true);
    expect(validateRunRequest(sampleRequest({ regeneration: regeneration({ activate: 'never' }) })).regeneration!.activate).toBe('never');
  });

  it('names the invalid fields: the artifact, the instructions, the activation, platforms outside short copy or the run', () => {
    expect(fields({ artifactType: 'poster' as never })).toEqual(['regeneration.artifactType']);
    expect(fields({ instructions: '   ' })).toEqual(['regeneration.instructions']);
    expect(fields({ instructions: 'x'.repeat(4001) })).toEqual(['regeneration.instructions']);
    expect(fields({ activate: 'sometimes' as never })).toEqual(['regeneration.activate']);
    expect(fields({ platforms: ['x'] })).toEqual(['regeneration.platforms']);
    expect(() => check({ platforms: ['x'] })()).toThrow(expect.objectContaining({ errors: [{ field: 'regeneration.platforms', message: 'platforms can only be chosen for shortCopy' }] }));
    expect(() => check({ artifactType: 'shortCopy', platforms: ['facebook', 'x'] })()).toThrow(
      expect.objectContaining({ errors: [{ field: 'regeneration.platforms', message: 'facebook not among the selected platforms (x, linkedin)' }] }),
    );
    expect(fields({ artifactType: 'shortCopy', platforms: ['facebook'] })).toEqual(['regeneration.platforms']);
    expect(fields({ artifactType: 'shortCopy', platforms: [] })).toEqual(['regeneration.platforms']);
    expect(() => check({ artifactType: 'shortCopy', platforms: ['linkedin'] })()).not.toThrow();
  });
});
