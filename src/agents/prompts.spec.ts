import { AUDIT_CATEGORIES, SEVERITIES } from '@app/contracts';
import { BODY_WORD_RANGES } from './audit-rules';
import { auditMessages, generationMessages } from './prompts';
import { aBrief, aCopy, aFlag, aGenerationInput, anAuditInput, aShortCopy, copySubject, shortCopySubject } from './testing/fixtures';

const brief = aBrief({ toneGuidelines: ['warm'], constraints: { requiredKeywords: ['fresh'], restrictedKeywords: ['cheap'] } });

/** The rules every prompt states, whatever the agent. */
function expectHouseRules(system: string) {
  expect(system).toContain('Answer with one JSON object that follows the given schema, and nothing else.');
  expect(system).toContain('Write in the language of the brief.');
  expect(system).toContain('Never invent prices, statistics or legal claims');
  expect(system).toContain('Use every required keyword verbatim; never use a restricted keyword');
  expect(system).toContain(
    'and nothing else. Write in the language of the brief. Never invent prices, statistics or legal claims that the brief does not state. Use every required keyword verbatim;',
  );
}

describe(generationMessages.name, () => {
  it('asks the copywriter for what the audit checks: three headlines, the three body lengths, three calls to action', () => {
    const [system, user] = generationMessages('copy', aGenerationInput<'copy'>({ brief }));

    expect(system.role).toBe('system');
    expect(system.content).toMatch(/^You are a senior copywriter writing long-form campaign copy\. /);
    expect(system.content).toContain('at least 3 headlines of about 50-60 characters');
    for (const [tier, [min, max]] of Object.entries(BODY_WORD_RANGES)) expect(system.content).toContain(`${tier} ${min}-${max} words`);
    expect(system.content).toContain("or within the brief's word-count bounds for long");
    expect(system.content).toContain('at least 3 calls to action, and notes on how you applied the tone guidelines.');
    expectHouseRules(system.content);
    expect(user).toEqual({ role: 'user', content: `Campaign brief:\n${JSON.stringify(brief, null, 2)}` });
  });

  it('asks the social copywriter for three posts per platform within its limit, listing the platforms in order', () => {
    const input = aGenerationInput<'shortCopy'>({ brief, selectedPlatforms: ['linkedin', 'x'] });
    const [system, user] = generationMessages('shortCopy', input);

    expect(system.content).toMatch(/^You are a social media copywriter\. /);
    expect(system.content).toContain("For each selected platform give at least 3 post variants. Keep each post within the platform's character limit;");
    expect(system.content).toContain('report characterCount truthfully and set overLimit when a post is longer than the limit (never truncate).');
    expect(system.content).toContain('Hashtags start with #.');
    expectHouseRules(system.content);
    expect(user.content.split('\n\n')).toEqual([
      `Campaign brief:\n${JSON.stringify(brief, null, 2)}`,
      'Selected platforms, in this order, with their limits: linkedin: 3000 characters, x: 280 characters.',
    ]);
  });

  it('asks the art director for two concepts with hex palettes, a layout and alt text, and no platform list', () => {
    const [system, user] = generationMessages('visualConcept', aGenerationInput<'visualConcept'>({ brief }));

    expect(system.content).toMatch(/^You are an art director describing poster concepts in words \(no image is produced\)\. /);
    expect(system.content).toContain('Give at least 2 concepts, each with a name, description, mood words, a palette of #RRGGBB colours');
    expect(system.content).toContain('(reuse the brand palette when one is given), a layout (headline zone, focal area, CTA placement)');
    expect(system.content).toContain('and alt text that states the subject, the purpose and the mood.');
    expectHouseRules(system.content);
    expect(user.content).not.toContain('Selected platforms');
  });

  it('gives the approved copy as reference when there is one', () => {
    const copy = aCopy();
    const [, user] = generationMessages('shortCopy', aGenerationInput<'shortCopy'>({ reference: { copy } }));
    expect(user.content.split('\n\n').at(-1)).toBe(`Approved long-form copy to stay consistent with:\n${JSON.stringify(copy)}`);

    const [, withoutCopy] = generationMessages('shortCopy', aGenerationInput<'shortCopy'>({ reference: {} }));
    expect(withoutCopy.content).not.toContain('Approved long-form copy');
  });

  it('shows a regeneration its previous version, the score, the findings and each recommendation', () => {
    const previous = aShortCopy(['x']);
    const flags = [aFlag('critical', 'compliance'), aFlag('low')];
    const recommendations = [
      { text: 'Remove "cheap"', priority: 'high' as const },
      { text: 'Shorten the post', priority: 'low' as const },
    ];
    const input = aGenerationInput<'shortCopy'>({ attempt: 2, previous: { content: previous, feedback: { verdict: 'fail', weightedScore: 42.5, flags, recommendations } } });
    const [, user] = generationMessages('shortCopy', input);

    expect(user.content.split('\n\n').slice(2)).toEqual([
      'Your previous version failed its compliance audit (score 42.5).',
      `Previous version:\n${JSON.stringify(previous)}`,
      `Audit findings to fix:\n${JSON.stringify(flags)}`,
      'Recommendations:\n- Remove "cheap"\n- Shorten the post',
      'Write a corrected version that fixes every finding and keeps what was good.',
    ]);
  });

  const editorBlock = (instructions: string) =>
    `Editor's instructions for this version (apply them; the brief's required and restricted keywords still hold):\n"""\n${instructions}\n"""`;

  it("gives an editor's instructions as the editor's, after the brief, for every agent", () => {
    for (const type of ['copy', 'shortCopy', 'visualConcept'] as const) {
      const [system, user] = generationMessages(type, aGenerationInput({ brief, instructions: '  Make it shorter and mention "no added sugar"\n' }));

      expect(user.content.split('\n\n').at(-1)).toBe(editorBlock('Make it shorter and mention "no added sugar"'));
      expect(system.content).not.toContain('Make it shorter');
    }
  });

  it('says there are no recommendations when the audit gave none', () => {
    const feedback = { verdict: 'fail' as const, weightedScore: 30, flags: [aFlag('critical')], recommendations: [] };
    const input = aGenerationInput<'copy'>({ attempt: 2, previous: { content: aCopy(), feedback } });

    expect(generationMessages('copy', input)[1].content.split('\n\n').at(-2)).toBe('Recommendations: none');
  });

  it('lists a single recommendation on a line of its own', () => {
    const feedback = { verdict: 'fail' as const, weightedScore: 30, flags: [aFlag('critical')], recommendations: [{ text: 'Remove "cheap"', priority: 'high' as const }] };
    const input = aGenerationInput<'copy'>({ attempt: 2, previous: { content: aCopy(), feedback } });

    expect(generationMessages('copy', input)[1].content.split('\n\n').at(-2)).toBe('Recommendations:\n- Remove "cheap"');
  });

  it("puts an editor's instructions beside the audit's findings on a regeneration", () => {
    const recommendations = [{ text: 'Shorten the post', priority: 'high' as const }];
    const feedback = { verdict: 'fail' as const, weightedScore: 55, flags: [aFlag('high')], recommendations };
    const input = aGenerationInput<'shortCopy'>({ attempt: 2, previous: { content: aShortCopy(['x']), feedback }, instructions: 'More playful' });
    const blocks = generationMessages('shortCopy', input)[1].content.split('\n\n');

    expect(blocks.slice(-2)).toEqual(['Write a corrected version that fixes every finding and keeps what was good.', editorBlock('More playful')]);
    expect(blocks.filter((b) => b.includes("Editor's instructions"))).toHaveLength(1);
  });

  it("tells an editor's regeneration of a version that passed its audit that it passed, and asks for a new version rather than a correction", () => {
    const feedback = { verdict: 'conditional' as const, weightedScore: 74, flags: [aFlag('medium')], recommendations: [] };
    const input = aGenerationInput<'copy'>({ previous: { content: aCopy(), feedback }, instructions: 'More playful' });
    const blocks = generationMessages('copy', input)[1].content.split('\n\n');

    expect(blocks).toContain('The current version passed its audit as conditional (score 74); an editor asked for a new one.');
    expect(blocks.join('\n')).not.toContain('failed its compliance audit');
    expect(blocks.slice(-2)).toEqual(['Write a new version that follows the instructions below, fixes any finding and keeps what was good.', editorBlock('More playful')]);
  });

  it('says nothing of an editor when the instructions are missing or blank', () => {
    for (const instructions of [undefined, '', '   \n ']) {
      const [, user] = generationMessages('copy', aGenerationInput<'copy'>({ brief, ...(instructions === undefined ? {} : { instructions }) }));
      expect(user).toEqual({ role: 'user', content: `Campaign brief:\n${JSON.stringify(brief, null, 2)}` });
    }
  });
});

describe(auditMessages.name, () => {
  it('asks for a score per category, flags by severity and one report per artifact in order', () => {
    const copy = aCopy();
    const posts = aShortCopy(['x']);
    const [system, user] = auditMessages(anAuditInput([copySubject(copy, 2), shortCopySubject(posts)], brief));

    expect(system.role).toBe('system');
    expect(system.content).toMatch(/^You are a brand compliance auditor\. Score each artifact 0-100 on /);
    for (const category of AUDIT_CATEGORIES) expect(system.content).toContain(category);
    for (const severity of SEVERITIES) expect(system.content).toContain(severity);
    expect(system.content).toContain('critical means it must not be published');
    expect(system.content).toContain('Score each artifact 0-100 on toneConsistency, clarity, compliance, accessibility and risk (100 = no concern). Flag each');
    expect(system.content).toContain('a severity (low, medium, high, critical: critical means it must not be published), a description and its location, and give');
    expect(system.content).toContain('in the given order. Answer with one JSON object');
    expect(system.content).toContain('and give imperative recommendations that fix the flags. Return one report per artifact, in the given order.');
    expectHouseRules(system.content);
    expect(user).toEqual({
      role: 'user',
      content: `Campaign brief:\n${JSON.stringify(brief, null, 2)}\n\nArtifacts to audit:\n${JSON.stringify([
        { artifactType: 'copy', content: copy },
        { artifactType: 'shortCopy', content: posts },
      ])}`,
    });
  });
});
