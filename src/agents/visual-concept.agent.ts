import { Injectable } from '@nestjs/common';
import type { VisualConceptOutput } from '@app/contracts';
import { LlmClient } from '../llm/llm-client';
import type { GenerationInput } from './agent';
import { AgentPrompt, LlmAgent } from './llm-agent';
import { visualConceptOutputSchema } from './output-schemas';
import { generationMessages } from './prompts';

/** Describes poster concepts in words: mood, palette, layout and alt text. */
@Injectable()
export class VisualConceptAgent extends LlmAgent<GenerationInput<'visualConcept'>, VisualConceptOutput> {
  readonly type = 'visualConcept';

  constructor(llm: LlmClient) {
    super(llm, 'poster_concepts', visualConceptOutputSchema);
  }

  protected prompt(input: GenerationInput<'visualConcept'>): AgentPrompt {
    return { messages: generationMessages('visualConcept', input), context: input };
  }

  protected finish(answer: VisualConceptOutput): VisualConceptOutput {
    return answer;
  }
}
