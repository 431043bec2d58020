import { LlmAgentSet } from './agent-set';
import { AuditAgent } from './audit.agent';
import { CopyAgent } from './copy.agent';
import { ShortCopyAgent } from './short-copy.agent';
import { aCopy, aGenerationInput, aShortCopy, aVisual } from './testing/fixtures';
import { anAgentContext, ScriptedLlmClient } from './testing/scripted-llm.client';
import { VisualConceptAgent } from './visual-concept.agent';

describe(LlmAgentSet.name, () => {
  it('gives the orchestrator the generator of each artifact type and the audit agent', () => {
    const llm = new ScriptedLlmClient([]);
    const [copy, shortCopy, visualConcept, audit] = [new CopyAgent(llm), new ShortCopyAgent(llm), new VisualConceptAgent(llm), new AuditAgent(llm)];
    const agents = new LlmAgentSet(copy, shortCopy, visualConcept, audit);

    expect(agents.generator('copy')).toBe(copy);
    expect(agents.generator('shortCopy')).toBe(shortCopy);
    expect(agents.generator('visualConcept')).toBe(visualConcept);
    expect(agents.audit).toBe(audit);
    expect([copy.type, shortCopy.type, visualConcept.type, audit.type]).toEqual(['copy', 'shortCopy', 'visualConcept', 'audit']);
  });

  it.each([
    ['copy', 'campaign_copy', (llm: ScriptedLlmClient) => new CopyAgent(llm).execute(aGenerationInput<'copy'>(), anAgentContext()), aCopy()],
    ['shortCopy', 'social_posts', (llm: ScriptedLlmClient) => new ShortCopyAgent(llm).execute(aGenerationInput<'shortCopy'>(), anAgentContext()), aShortCopy()],
    ['visualConcept', 'poster_concepts', (llm: ScriptedLlmClient) => new VisualConceptAgent(llm).execute(aGenerationInput<'visualConcept'>(), anAgentContext()), aVisual()],
  ] as const)('the %s generator asks the model for its task and schema %s, and returns the answer', async (task, schemaName, execute, answer) => {
    const llm = new ScriptedLlmClient([{ json: answer }]);
    const outcome = await execute(llm);
    expect(llm.requests[0]).toMatchObject({ task, schemaName });
    expect(outcome.output).toEqual(answer);
  });
});
