import type { AgentType } from '@app/contracts';
import type { z } from 'zod';
import { LlmClient, LlmMessage, LlmUsage } from '../llm/llm-client';
import { LlmError } from '../llm/llm-errors';
import { Agent, AgentContext, AgentOutcome } from './agent';
import { AgentError } from './agent-errors';
import { toStrictJsonSchema } from './output-schemas';

/** How many times invalid output is asked for again before the agent fails. */
export const MAX_REPAIRS = 2;

/** The prompt of one execution: messages plus the structured context they were built from. */
export interface AgentPrompt {
  messages: LlmMessage[];
  context: unknown;
}

function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * An agent backed by the LLM: builds its prompt, asks for JSON of its schema, validates the
 * answer and asks again (at most `MAX_REPAIRS` times, quoting the problems) when it does not parse
 * or validate; then fails with `INVALID_OUTPUT`.
 */
export abstract class LlmAgent<I, O, S = O> extends Agent<I, O> {
  abstract override readonly type: AgentType;
  private jsonSchema?: Record<string, unknown>;

  protected constructor(
    protected readonly llm: LlmClient,
    private readonly schemaName: string,
    private readonly schema: z.ZodType<S>,
  ) {
    super();
  }

  /** Builds the prompt for `input`. */
  protected abstract prompt(input: I): AgentPrompt;

  /** Turns the validated model answer into the agent's output (normalising, combining with rules). */
  protected abstract finish(answer: S, input: I): O;

  async execute(input: I, context: AgentContext): Promise<AgentOutcome<O>> {
    const { messages, context: promptContext } = this.prompt(input);
    const conversation = [...messages];
    const deadline = Date.now() + context.timeoutMs;
    let usage: LlmUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    let problem = '';
    for (let call = 1; call <= MAX_REPAIRS + 1; call++) {
      const response = await this.call([...conversation], promptContext, context, Math.max(1, deadline - Date.now()));
      usage = addUsage(usage, response.usage);
      const parsed = this.parse(response.content);
      if (parsed.ok) return { output: this.finish(parsed.value, input), usage, calls: call };
      problem = parsed.problem;
      conversation.push(
        { role: 'assistant', content: response.content },
        { role: 'user', content: `That answer is invalid: ${problem}. Answer again with only JSON that follows the schema.` },
      );
    }
    throw new AgentError('INVALID_OUTPUT', `${this.type} agent output stayed invalid after ${MAX_REPAIRS} repairs: ${problem}`);
  }

  private async call(messages: LlmMessage[], promptContext: unknown, context: AgentContext, timeoutMs: number) {
    this.jsonSchema ??= toStrictJsonSchema(this.schema);
    try {
      return await this.llm.complete({
        task: this.type,
        messages,
        schemaName: this.schemaName,
        schema: this.jsonSchema,
        context: promptContext,
        signal: context.signal,
        timeoutMs,
      });
    } catch (error) {
      if (error instanceof LlmError) throw new AgentError(error.code, error.message, { cause: error });
      throw error;
    }
  }

  private parse(content: string): { ok: true; value: S } | { ok: false; problem: string } {
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      return { ok: false, problem: 'it is not valid JSON' };
    }
    const result = this.schema.safeParse(json);
    return result.success ? { ok: true, value: result.data } : { ok: false, problem: describeIssues(result.error) };
  }
}
