import { Injectable } from '@nestjs/common';
import type { ShortCopyOutput } from '@app/contracts';
import { LlmClient } from '../llm/llm-client';
import type { GenerationInput } from './agent';
import { AgentPrompt, LlmAgent } from './llm-agent';
import { shortCopyOutputSchema } from './output-schemas';
import { generationMessages } from './prompts';
import { characterCount } from './text';

/** Writes short social posts: at least three variants per selected platform. */
@Injectable()
export class ShortCopyAgent extends LlmAgent<GenerationInput<'shortCopy'>, ShortCopyOutput> {
  readonly type = 'shortCopy';

  constructor(llm: LlmClient) {
    super(llm, 'social_posts', shortCopyOutputSchema);
  }

  protected prompt(input: GenerationInput<'shortCopy'>): AgentPrompt {
    return { messages: generationMessages('shortCopy', input), context: input };
  }

  /** Recounts characters and sets `overLimit` from the real length: models miscount, and we never truncate. */
  protected finish(answer: ShortCopyOutput, input: GenerationInput<'shortCopy'>): ShortCopyOutput {
    return {
      platforms: answer.platforms.map((entry) => ({
        platform: entry.platform,
        variants: entry.variants.map((variant) => {
          const count = characterCount(variant.text);
          return { ...variant, characterCount: count, overLimit: count > input.platformLimits[entry.platform] };
        }),
      })),
    };
  }
}
