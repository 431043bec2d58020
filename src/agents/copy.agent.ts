import { Injectable } from '@nestjs/common';
import { LlmClient } from '../llm/llm-client';
import { LlmGeneratorAgent } from './llm-generator.agent';
import { copyOutputSchema } from './output-schemas';

/** Writes the long-form copy: headlines, body copy at three lengths, calls to action. */
@Injectable()
export class CopyAgent extends LlmGeneratorAgent<'copy'> {
  readonly type = 'copy';

  constructor(llm: LlmClient) {
    super(llm, 'campaign_copy', copyOutputSchema);
  }
}
