import { LlmAbortedError, LlmError } from '../llm/llm-errors';
import { AgentError } from './agent-errors';
import { CopyAgent } from './copy.agent';
import { LlmAgent, MAX_REPAIRS } from './llm-agent';
import { copyOutputSchema, toStrictJsonSchema } from './output-schemas';
import { aCopy, aGenerationInput } from './testing/fixtures';
import { anAgentContext, ScriptedLlmClient } from './testing/scripted-llm.client';

const VALID = { json: aCopy() };
const SCHEMA_INVALID = { json: { headlines: ['Only one headline'], bodyCopy: aCopy().bodyCopy, ctas: aCopy().ctas, toneNotes: '' } };

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the promise to reject');
    },
    (error: unknown) => error,
  );
}

describe(LlmAgent.name, () => {
  const input = aGenerationInput<'copy'>();

  it('returns a valid first answer after one call', async () => {
    const llm = new ScriptedLlmClient([VALID]);
    const context = anAgentContext({ timeoutMs: 5_000 });

    const outcome = await new CopyAgent(llm).execute(input, context);

    expect(outcome).toEqual({ output: aCopy(), usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 }, calls: 1 });
    const [request] = llm.requests;
    expect(request).toEqual(expect.objectContaining({ task: 'copy', schemaName: 'campaign_copy', context: input, signal: context.signal }));
    expect(request.schema).toEqual(expect.objectContaining({ type: 'object' }));
    expect(request.timeoutMs).toBeGreaterThan(0);
    expect(request.timeoutMs).toBeLessThanOrEqual(5_000);
  });

  it('asks again after an answer that is not JSON, quoting the bad answer and the problem', async () => {
    const llm = new ScriptedLlmClient(['Sure! Here is your copy: {', VALID]);

    const outcome = await new CopyAgent(llm).execute(input, anAgentContext());

    expect(outcome.calls).toBe(2);
    expect(outcome.output).toEqual(aCopy());
    const [first, second] = llm.requests;
    expect(second.messages).toEqual([
      ...first.messages,
      { role: 'assistant', content: 'Sure! Here is your copy: {' },
      { role: 'user', content: expect.stringContaining('it is not valid JSON') },
    ]);
  });

  it('names the schema problem when asking again after an answer that does not validate', async () => {
    const llm = new ScriptedLlmClient([SCHEMA_INVALID, VALID]);

    await new CopyAgent(llm).execute(input, anAgentContext());

    const repair = llm.requests[1].messages.at(-1);
    expect(repair?.role).toBe('user');
    expect(repair?.content).toContain('headlines');
  });

  it(`fails with INVALID_OUTPUT after ${MAX_REPAIRS + 1} calls that never validate`, async () => {
    const llm = new ScriptedLlmClient([SCHEMA_INVALID]);

    const error = await rejectionOf(new CopyAgent(llm).execute(input, anAgentContext()));

    expect(error).toBeInstanceOf(AgentError);
    expect(error).toEqual(expect.objectContaining({ code: 'INVALID_OUTPUT', message: expect.stringContaining('headlines') }));
    expect(llm.calls).toBe(3);
  });

  it('keeps the whole conversation across repairs', async () => {
    const llm = new ScriptedLlmClient(['not json', SCHEMA_INVALID, VALID]);

    const outcome = await new CopyAgent(llm).execute(input, anAgentContext());

    expect(outcome.calls).toBe(3);
    expect(llm.requests.map((r) => r.messages.length)).toEqual([2, 4, 6]);
    expect(llm.requests[2].messages.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual([
      'not json',
      JSON.stringify(SCHEMA_INVALID.json),
    ]);
  });

  it('sums the usage of every call', async () => {
    const llm = new ScriptedLlmClient(['not json', SCHEMA_INVALID, VALID], true, { promptTokens: 100, completionTokens: 40, totalTokens: 140 });

    const outcome = await new CopyAgent(llm).execute(input, anAgentContext());

    expect(outcome.usage).toEqual({ promptTokens: 300, completionTokens: 120, totalTokens: 420 });
  });

  it.each(['LLM_RATE_LIMITED', 'LLM_UNAVAILABLE', 'LLM_TIMEOUT', 'LLM_REQUEST_FAILED'] as const)(
    'turns an LlmError %s into an AgentError with the same code',
    async (code) => {
      const cause = new LlmError(code, 'the provider said no');
      const llm = new ScriptedLlmClient([cause]);

      const error = await rejectionOf(new CopyAgent(llm).execute(input, anAgentContext()));

      expect(error).toBeInstanceOf(AgentError);
      expect(error).toEqual(expect.objectContaining({ code, message: 'the provider said no', cause }));
      expect(llm.calls).toBe(1);
    },
  );

  it('tells the model exactly what was wrong, and names the root when the answer is not an object', async () => {
    const llm = new ScriptedLlmClient(['{', { json: 42 }, VALID]);

    await new CopyAgent(llm).execute(input, anAgentContext());

    expect(llm.requests[1].messages.at(-1)).toEqual({ role: 'user', content: 'That answer is invalid: it is not valid JSON. Answer again with only JSON that follows the schema.' });
    expect(llm.requests[2].messages.at(-1)?.content).toMatch(/^That answer is invalid: \(root\): .+\. Answer again with only JSON that follows the schema\.$/);
  });

  it('quotes at most ten problems, each with its path', async () => {
    const twelveBlankHeadlines = { json: { ...aCopy(), headlines: Array.from({ length: 12 }, () => ' ') } };
    const llm = new ScriptedLlmClient([twelveBlankHeadlines, VALID]);

    await new CopyAgent(llm).execute(input, anAgentContext());

    const problems = llm.requests[1].messages.at(-1)!.content.replace(/^That answer is invalid: /, '').replace(/\. Answer again.*$/, '').split('; ');
    expect(problems).toHaveLength(10);
    expect(problems.map((p) => p.split(':')[0])).toEqual(Array.from({ length: 10 }, (_, i) => `headlines.${i}`));
  });

  it('names the agent, the repairs and the last problem when it gives up', async () => {
    const llm = new ScriptedLlmClient(['not json']);

    const error = await rejectionOf(new CopyAgent(llm).execute(input, anAgentContext()));

    expect(error).toEqual(expect.objectContaining({ code: 'INVALID_OUTPUT', message: `copy agent output stayed invalid after ${MAX_REPAIRS} repairs: it is not valid JSON` }));
    expect(error).toEqual(expect.objectContaining({ name: 'AgentError' }));
    expect(String(error)).toBe(`AgentError: copy agent output stayed invalid after ${MAX_REPAIRS} repairs: it is not valid JSON`);
  });

  it('gives each call what is left of the time budget, and at least 1 ms', async () => {
    const generous = new ScriptedLlmClient([VALID]);
    await new CopyAgent(generous).execute(input, anAgentContext({ timeoutMs: 5_000 }));
    expect(generous.requests[0].timeoutMs).toBeGreaterThan(4_500);

    const spent = new ScriptedLlmClient(['not json', VALID]);
    await new CopyAgent(spent).execute(input, anAgentContext({ timeoutMs: 0 }));
    expect(spent.requests.map((r) => r.timeoutMs)).toEqual([1, 1]);
  });

  it('sends the strict JSON schema of its output, the same on every call', async () => {
    const llm = new ScriptedLlmClient(['not json', VALID]);

    await new CopyAgent(llm).execute(input, anAgentContext());

    expect(llm.requests.map((r) => r.schema)).toEqual([toStrictJsonSchema(copyOutputSchema), toStrictJsonSchema(copyOutputSchema)]);
  });

  it('lets an error that is not the LLM’s propagate unchanged', async () => {
    const bug = new TypeError('bug in the client');
    const error = await rejectionOf(new CopyAgent(new ScriptedLlmClient([bug])).execute(input, anAgentContext()));
    expect(error).toBe(bug);
  });

  it('lets an abort propagate unchanged, without asking again', async () => {
    const aborted = new LlmAbortedError('cancelled');
    const llm = new ScriptedLlmClient(['not json', aborted]);

    const error = await rejectionOf(new CopyAgent(llm).execute(input, anAgentContext()));

    expect(error).toBe(aborted);
    expect(llm.calls).toBe(2);
  });
});
