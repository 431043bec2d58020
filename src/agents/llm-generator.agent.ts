import type { ArtifactContentMap, ArtifactType } from '@app/contracts';
import type { GenerationInput } from './agent';
import { AgentPrompt, LlmAgent } from './llm-agent';
import { generationMessages } from './prompts';

/** A generator agent: prompt from the brief (and feedback on a regeneration), output as validated. */
export abstract class LlmGeneratorAgent<T extends ArtifactType> extends LlmAgent<GenerationInput<T>, ArtifactContentMap[T]> {
  abstract override readonly type: T;

  protected prompt(input: GenerationInput<T>): AgentPrompt {
    return { messages: generationMessages(this.type, input), context: input };
  }

  protected finish(answer: ArtifactContentMap[T], _input: GenerationInput<T>): ArtifactContentMap[T] {
    return answer;
  }
}
