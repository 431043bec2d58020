import { Injectable } from '@nestjs/common';
import type { CopyOutput } from '@app/contracts';
import { LlmClient } from '../llm/llm-client';
import type { GenerationInput } from './agent';
import { AgentPrompt, LlmAgent } from './llm-agent';
import { copyOutputSchema } from './output-schemas';
import { generationMessages } from './prompts';

/** Writes the long-form copy: headlines, body copy at three lengths, calls to action. */
@Injectable()
export class CopyAgent extends LlmAgent<GenerationInput<'copy'>, CopyOutput> {
  readonly type = 'copy';

  constructor(llm: LlmClient) {
    super(llm, 'campaign_copy', copyOutputSchema);
  }

  protected prompt(input: GenerationInput<'copy'>): AgentPrompt {
    return { messages: generationMessages('copy', input), context: input };
  }

  protected finish(answer: CopyOutput): CopyOutput {
    return answer;
  }
}
