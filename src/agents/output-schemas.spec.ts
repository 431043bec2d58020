import { z } from 'zod';
import type { AuditJudgement } from './output-schemas';
import { auditJudgementSchema, copyOutputSchema, shortCopyOutputSchema, toStrictJsonSchema, visualConceptOutputSchema } from './output-schemas';
import { aConcept, aCopy, aShortCopy, aVariant, aVisual } from './testing/fixtures';

const judgement = (report: Partial<AuditJudgement['reports'][number]> = {}): AuditJudgement => ({
  reports: [
    {
      artifactType: 'copy',
      scores: { toneConsistency: 0, clarity: 100, compliance: 50, accessibility: 99.5, risk: 1 },
      flags: [{ category: 'risk', severity: 'critical', description: 'Claims a cure', location: null }],
      recommendations: [{ text: 'Remove the claim', priority: 'high', flagIndex: 0 }],
      ...report,
    },
  ],
});

/** The paths of the issues zod finds in `value`, or [] when it is valid. */
const problems = (schema: { safeParse(value: unknown): { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } } }, value: unknown) =>
  schema.safeParse(value).error?.issues.map((i) => i.path.join('.')) ?? [];

describe('output schemas', () => {
  it('accept the clean sample artifacts and judgement as they are', () => {
    expect(copyOutputSchema.parse(aCopy())).toEqual(aCopy());
    expect(shortCopyOutputSchema.parse(aShortCopy())).toEqual(aShortCopy());
    expect(visualConceptOutputSchema.parse(aVisual())).toEqual(aVisual());
    expect(auditJudgementSchema.parse(judgement())).toEqual(judgement());
  });

  it('want at least three headlines and calls to action, and text that is not blank (trimmed)', () => {
    expect(problems(copyOutputSchema, aCopy({ headlines: ['one', 'two'] }))).toEqual(['headlines']);
    expect(problems(copyOutputSchema, aCopy({ ctas: ['one', 'two'] }))).toEqual(['ctas']);
    expect(problems(copyOutputSchema, aCopy({ headlines: ['one', '   ', 'three'] }))).toEqual(['headlines.1']);
    expect(problems(copyOutputSchema, aCopy({ bodyCopy: { short: '', medium: 'm', long: 'l' } }))).toEqual(['bodyCopy.short']);
    expect(copyOutputSchema.parse(aCopy({ headlines: [' a ', 'b', 'c'], toneNotes: '' })).headlines[0]).toBe('a');
  });

  it('want at least one known platform with three variants, each with a whole, non-negative character count', () => {
    expect(problems(shortCopyOutputSchema, { platforms: [] })).toEqual(['platforms']);
    expect(problems(shortCopyOutputSchema, { platforms: [{ platform: 'x', variants: [aVariant(), aVariant()] }] })).toEqual(['platforms.0.variants']);
    expect(problems(shortCopyOutputSchema, { platforms: [{ platform: 'myspace', variants: [aVariant(), aVariant(), aVariant()] }] })).toEqual(['platforms.0.platform']);
    const counted = (characterCount: number) => ({ platforms: [{ platform: 'x', variants: [aVariant({ characterCount }), aVariant(), aVariant()] }] });
    expect(problems(shortCopyOutputSchema, counted(-1))).toEqual(['platforms.0.variants.0.characterCount']);
    expect(problems(shortCopyOutputSchema, counted(1.5))).toEqual(['platforms.0.variants.0.characterCount']);
    expect(problems(shortCopyOutputSchema, counted(0))).toEqual([]);
  });

  it('want at least two concepts with a named layout', () => {
    expect(problems(visualConceptOutputSchema, aVisual([aConcept()]))).toEqual(['concepts']);
    expect(problems(visualConceptOutputSchema, aVisual([aConcept({ name: ' ' }), aConcept()]))).toEqual(['concepts.0.name']);
    expect(problems(visualConceptOutputSchema, aVisual([aConcept({ layout: { headlineZone: 'top', focalArea: '', ctaPlacement: 'bottom' } }), aConcept()]))).toEqual([
      'concepts.0.layout.focalArea',
    ]);
  });

  it('want audit scores from 0 to 100 and a flag index that is a whole number or null', () => {
    const scores = (risk: number) => ({ toneConsistency: 50, clarity: 50, compliance: 50, accessibility: 50, risk });
    expect(problems(auditJudgementSchema, judgement({ scores: scores(-0.1) }))).toEqual(['reports.0.scores.risk']);
    expect(problems(auditJudgementSchema, judgement({ scores: scores(100.1) }))).toEqual(['reports.0.scores.risk']);
    expect(problems(auditJudgementSchema, judgement({ recommendations: [{ text: 'Fix', priority: 'low', flagIndex: -1 }] }))).toEqual(['reports.0.recommendations.0.flagIndex']);
    expect(problems(auditJudgementSchema, judgement({ recommendations: [{ text: 'Fix', priority: 'low', flagIndex: 0.5 }] }))).toEqual(['reports.0.recommendations.0.flagIndex']);
    const [report] = judgement().reports;
    expect(problems(auditJudgementSchema, { reports: [{ ...report, recommendations: [{ text: 'Fix', priority: 'critical', flagIndex: null }] }] })).toEqual([
      'reports.0.recommendations.0.priority',
    ]);
  });
});

describe(toStrictJsonSchema.name, () => {
  it('drops the keywords strict structured outputs refuse, at every depth, and keeps the others', () => {
    const schema = toStrictJsonSchema(copyOutputSchema);
    const text = JSON.stringify(schema);

    expect(text).not.toMatch(/"\$schema"|"minLength"|"maxLength"/);
    expect(schema).toMatchObject({ type: 'object', required: ['headlines', 'bodyCopy', 'ctas', 'toneNotes'] });
    expect(schema).toMatchObject({ properties: { headlines: { type: 'array', minItems: 3, items: { type: 'string' } } } });
    expect(schema).toMatchObject({ properties: { bodyCopy: { type: 'object', properties: { short: { type: 'string' } } } } });
  });

  it('keeps arrays and null in place', () => {
    const schema = toStrictJsonSchema(auditJudgementSchema);
    expect(schema).toMatchObject({
      properties: { reports: { type: 'array', items: { properties: { flags: { items: { properties: { location: { type: ['string', 'null'] } } } } } } } },
    });
  });

  it('drops minLength and maxLength of any schema, and keeps null values such as a null constant', () => {
    const schema = toStrictJsonSchema(z.object({ name: z.string().min(1).max(20), nothing: z.literal(null), tags: z.array(z.string()).max(5) }));

    expect(schema).not.toHaveProperty('$schema');
    expect(schema).toMatchObject({
      properties: { name: { type: 'string' }, nothing: { const: null }, tags: { type: 'array', maxItems: 5 } },
    });
    expect(JSON.stringify(schema)).not.toMatch(/"minLength"|"maxLength"/);
  });
});
