import { Injectable } from '@nestjs/common';
import { LlmClient } from '../llm/llm-client';
import { LlmGeneratorAgent } from './llm-generator.agent';
import { visualConceptOutputSchema } from './output-schemas';

/** Describes poster concepts in words: mood, palette, layout and alt text. */
@Injectable()
export class VisualConceptAgent extends LlmGeneratorAgent<'visualConcept'> {
  readonly type = 'visualConcept';

  constructor(llm: LlmClient) {
    super(llm, 'poster_concepts', visualConceptOutputSchema);
  }
}
