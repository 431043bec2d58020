import { z } from 'zod';
import { AUDIT_CATEGORIES, PLATFORMS, SEVERITIES } from '@app/contracts';

const text = z.string().trim().min(1);

/** Output of the copy agent. */
export const copyOutputSchema = z.object({
  headlines: z.array(text).min(3),
  bodyCopy: z.object({ short: text, medium: text, long: text }),
  ctas: z.array(text).min(3),
  toneNotes: z.string(),
});

/** Output of the short-copy agent. */
export const shortCopyOutputSchema = z.object({
  platforms: z
    .array(
      z.object({
        platform: z.enum(PLATFORMS),
        variants: z
          .array(
            z.object({
              text,
              characterCount: z.number().int().min(0),
              overLimit: z.boolean(),
              hashtags: z.array(z.string()),
            }),
          )
          .min(3),
      }),
    )
    .min(1),
});

/** Output of the visual-concept agent. */
export const visualConceptOutputSchema = z.object({
  concepts: z
    .array(
      z.object({
        name: text,
        description: text,
        mood: z.array(z.string()),
        palette: z.array(z.string()),
        layout: z.object({ headlineZone: text, focalArea: text, ctaPlacement: text }),
        altText: z.string(),
      }),
    )
    .min(2),
});

const score = z.number().min(0).max(100);

/** The model's judgement of the artifacts it was shown, one entry per artifact. */
export const auditJudgementSchema = z.object({
  reports: z.array(
    z.object({
      artifactType: z.enum(['copy', 'shortCopy', 'visualConcept']),
      scores: z.object(Object.fromEntries(AUDIT_CATEGORIES.map((c) => [c, score])) as Record<(typeof AUDIT_CATEGORIES)[number], typeof score>),
      flags: z.array(
        z.object({
          category: z.enum(AUDIT_CATEGORIES),
          severity: z.enum(SEVERITIES),
          description: text,
          location: z.string().nullable(),
        }),
      ),
      recommendations: z.array(
        z.object({ text, priority: z.enum(['low', 'medium', 'high']), flagIndex: z.number().int().min(0).nullable() }),
      ),
    }),
  ),
});

/** The model's audit judgement, as validated. */
export type AuditJudgement = z.infer<typeof auditJudgementSchema>;

/** Keywords OpenAI's strict structured outputs do not accept; validation enforces them locally. */
const UNSUPPORTED_IN_STRICT_MODE = new Set(['$schema', 'minLength', 'maxLength']);

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([key]) => !UNSUPPORTED_IN_STRICT_MODE.has(key))
      .map(([key, value]) => [key, strip(value)]),
  );
}

/** JSON Schema of `schema` in the form strict structured outputs accept. */
export function toStrictJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return strip(z.toJSONSchema(schema, { target: 'draft-7' })) as Record<string, unknown>;
}
