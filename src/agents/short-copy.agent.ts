import { Injectable } from '@nestjs/common';
import type { ShortCopyOutput } from '@app/contracts';
import { LlmClient } from '../llm/llm-client';
import type { GenerationInput } from './agent';
import { LlmGeneratorAgent } from './llm-generator.agent';
import { shortCopyOutputSchema } from './output-schemas';
import { characterCount } from './text';

/** Writes short social posts: at least three variants per selected platform. */
@Injectable()
export class ShortCopyAgent extends LlmGeneratorAgent<'shortCopy'> {
  readonly type = 'shortCopy';

  constructor(llm: LlmClient) {
    super(llm, 'social_posts', shortCopyOutputSchema);
  }

  /** Recounts characters and sets `overLimit` from the real length: models miscount, and we never truncate. */
  protected override finish(answer: ShortCopyOutput, input: GenerationInput<'shortCopy'>): ShortCopyOutput {
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
