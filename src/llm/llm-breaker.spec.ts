import { Logger } from '@nestjs/common';
import { ScriptedLlmClient } from '../agents/testing/scripted-llm.client';
import { BreakerLlmClient, isEndpointFailure } from './llm-breaker';
import type { LlmRequest } from './llm-client';
import { LlmAbortedError, LlmError } from './llm-errors';

const request = (): LlmRequest => ({ task: 'copy', messages: [{ role: 'user', content: 'hi' }], schemaName: 's', schema: {}, context: {}, signal: new AbortController().signal, timeoutMs: 1000 });
const down = () => new LlmError('LLM_UNAVAILABLE', 'The model endpoint is unavailable (HTTP 503)', 'upstream', 503);
const answer = { json: { ok: true } };

/** Waits until `condition` holds, polling every 5 ms; fails after 3 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe(BreakerLlmClient.name, () => {
  let breakers: BreakerLlmClient[] = [];
  const breaker = (inner: ScriptedLlmClient, failures = 3, probeMs = 40) => {
    const client = new BreakerLlmClient(inner, { failures, probeMs });
    breakers.push(client);
    return client;
  };
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    breakers.forEach((b) => b.close());
    breakers = [];
    jest.restoreAllMocks();
  });

  it('counts as endpoint failures connection errors and 5xx, timeouts, 401 and 403; not 429, 400, a filter, or an abort', () => {
    expect(isEndpointFailure(down())).toBe(true);
    expect(isEndpointFailure(new LlmError('LLM_TIMEOUT', 'late'))).toBe(true);
    expect(isEndpointFailure(new LlmError('LLM_REQUEST_FAILED', 'refused', undefined, 401))).toBe(true);
    expect(isEndpointFailure(new LlmError('LLM_REQUEST_FAILED', 'refused', undefined, 403))).toBe(true);
    expect(isEndpointFailure(new LlmError('LLM_REQUEST_FAILED', 'bad request', undefined, 400))).toBe(false);
    expect(isEndpointFailure(new LlmError('LLM_RATE_LIMITED', 'slow down', undefined, 429))).toBe(false);
    expect(isEndpointFailure(new LlmError('CONTENT_FILTERED', 'filtered'))).toBe(false);
    expect(isEndpointFailure(new LlmAbortedError('cancelled'))).toBe(false);
    expect(isEndpointFailure(new Error('anything else'))).toBe(false);
  });

  it('passes calls through while the endpoint serves, and keeps the name and judgement of the client it wraps', async () => {
    const inner = new ScriptedLlmClient([answer], false);
    const client = breaker(inner);

    expect(await client.complete(request())).toMatchObject({ content: '{"ok":true}' });
    expect(client.name).toBe('scripted');
    expect(client.judges).toBe(false);
    expect(client.available).toBe(true);
    expect(client.retryAfterSeconds).toBe(0);
  });

  it('opens after `failures` endpoint failures in a row, then fails calls at once with LLM_UNAVAILABLE without calling the endpoint', async () => {
    const inner = new ScriptedLlmClient([down()]);
    const client = breaker(inner, 3, 60_000);

    for (let n = 1; n <= 2; n++) {
      await expect(client.complete(request())).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE', status: 503 });
      expect(client.available).toBe(true);
    }
    await expect(client.complete(request())).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    expect(client.available).toBe(false);
    expect(client.retryAfterSeconds).toBe(60);

    const calls = inner.calls;
    const refused = await client.complete(request()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LlmError);
    expect((refused as LlmError).message).toMatch(/failed repeatedly/);
    expect(inner.calls).toBe(calls);
  });

  it('does not open on failures that are not in a row, nor on failures of the request rather than the endpoint', async () => {
    const badRequest = new LlmError('LLM_REQUEST_FAILED', 'bad request', undefined, 400);
    const inner = new ScriptedLlmClient([down(), down(), answer, down(), down(), badRequest, badRequest, badRequest, new LlmError('LLM_RATE_LIMITED', 'slow', undefined, 429)]);
    const client = breaker(inner, 3, 60_000);

    for (let n = 0; n < 9; n++) await client.complete(request()).catch(() => undefined);
    expect(client.available).toBe(true);
  });

  it('while open, probes the endpoint every probeMs: a failed probe keeps it open, the first answer closes it', async () => {
    const inner = new ScriptedLlmClient([down(), answer]);
    inner.probeFailure = down();
    const client = breaker(inner, 1, 40);

    await client.complete(request()).catch(() => undefined);
    expect(client.available).toBe(false);
    await until(() => inner.probes >= 2, 'two failed probes');
    expect(client.available).toBe(false);

    inner.probeFailure = undefined;
    await until(() => client.available, 'the breaker to close');
    expect(await client.complete(request())).toMatchObject({ content: '{"ok":true}' });
  });

  it('stops probing once closed for good (shutdown)', async () => {
    const inner = new ScriptedLlmClient([down()]);
    inner.probeFailure = down();
    const client = breaker(inner, 1, 20);
    await client.complete(request()).catch(() => undefined);
    client.close();
    const probes = inner.probes;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(inner.probes).toBe(probes);
  });
});
