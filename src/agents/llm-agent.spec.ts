import { LlmAbortedError, LlmError } from '../llm/llm-errors';
import { AgentError } from './agent-errors';
import { CopyAgent } from './copy.agent';
import { LlmAgent, MAX_REPAIRS } from './llm-agent';
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

  it('lets an abort propagate unchanged, without asking again', async () => {
    const aborted = new LlmAbortedError('cancelled');
    const llm = new ScriptedLlmClient(['not json', aborted]);

    const error = await rejectionOf(new CopyAgent(llm).execute(input, anAgentContext()));

    expect(error).toBe(aborted);
    expect(llm.calls).toBe(2);
  });
});
