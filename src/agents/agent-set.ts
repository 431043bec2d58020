import { Injectable } from '@nestjs/common';
import type { ArtifactType } from '@app/contracts';
import { AgentSet, GeneratorAgent } from './agent';
import { AuditAgent } from './audit.agent';
import { CopyAgent } from './copy.agent';
import { ShortCopyAgent } from './short-copy.agent';
import { VisualConceptAgent } from './visual-concept.agent';

/** The four LLM-backed agents, bound to the `AgentSet` port. */
@Injectable()
export class LlmAgentSet extends AgentSet {
  private readonly generators: { [T in ArtifactType]: GeneratorAgent<T> };

  constructor(
    copy: CopyAgent,
    shortCopy: ShortCopyAgent,
    visualConcept: VisualConceptAgent,
    readonly audit: AuditAgent,
  ) {
    super();
    this.generators = { copy, shortCopy, visualConcept };
  }

  generator<T extends ArtifactType>(type: T): GeneratorAgent<T> {
    return this.generators[type] as unknown as GeneratorAgent<T>;
  }
}
