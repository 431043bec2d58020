/**
 * Zero-latency agents shared by the three engines of scenario 1: each answers through an already
 * resolved promise (no timer, no I/O), so what is measured is the engine around them.
 */
import type { ArtifactContentMap, ArtifactType, AuditReport } from '@app/contracts';
import type { AgentContext, AgentOutcome, AuditInput, GenerationInput } from '../../src/agents/agent';

export const ARTIFACT_TYPES = ['copy', 'shortCopy', 'visualConcept'] as const;

const USAGE = { promptTokens: 10, completionTokens: 20, totalTokens: 30 };

const CONTENT: ArtifactContentMap = {
  copy: { headlines: ['Hot coffee, all commute long', 'Your cup, your way', 'Keep it warm'], bodyCopy: { short: 's', medium: 'm', long: 'l' }, ctas: ['Buy', 'Try', 'Go'], toneNotes: '' },
  shortCopy: { platforms: [{ platform: 'x', variants: [] }] },
  visualConcept: { concepts: [] },
};

function passing(type: ArtifactType, attempt: number): AuditReport {
  return {
    artifactType: type,
    attempt,
    scores: { toneConsistency: 95, clarity: 95, compliance: 95, accessibility: 95, risk: 95 },
    weightedScore: 95,
    flags: [],
    recommendations: [],
    verdict: 'pass',
    basis: 'rules',
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

class ZeroGenerator<T extends ArtifactType> {
  constructor(readonly type: T) {}
  async execute(_input: GenerationInput<T>, _context: AgentContext): Promise<AgentOutcome<ArtifactContentMap[T]>> {
    return { output: CONTENT[this.type], usage: USAGE, calls: 1 };
  }
}

class ZeroAudit {
  readonly type = 'audit' as const;
  async execute(input: AuditInput, _context: AgentContext): Promise<AgentOutcome<AuditReport[]>> {
    return { output: input.subjects.map((s) => passing(s.type, s.attempt)), usage: USAGE, calls: 1 };
  }
}

/** Structurally an `AgentSet` (src/agents/agent.ts). */
export class ZeroAgentSet {
  readonly copy = new ZeroGenerator('copy');
  readonly shortCopy = new ZeroGenerator('shortCopy');
  readonly visualConcept = new ZeroGenerator('visualConcept');
  readonly audit = new ZeroAudit();

  generator<T extends ArtifactType>(type: T): ZeroGenerator<T> {
    return this[type] as unknown as ZeroGenerator<T>;
  }
}
