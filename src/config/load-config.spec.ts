import { DEFAULT_PLATFORM_LIMITS } from '@app/contracts';
import { EQUAL_AUDIT_WEIGHTS } from './app-config';
import { loadConfig } from './load-config';
import { problemsOf } from './testing/config-problems';

describe(loadConfig.name, () => {
  describe('with an empty environment', () => {
    const config = loadConfig({});

    it('uses the offline client with its default latency', () => {
      expect(config.llm.provider).toBe('offline');
      expect(config.llm.offlineLatencyMs).toEqual({ min: 400, max: 1200 });
      expect(config.llm.azure).toBeUndefined();
    });

    it('uses the documented orchestration defaults', () => {
      expect(config.orchestration).toEqual({
        agentTimeoutMs: 30_000,
        runTimeoutMs: 120_000,
        maxAttempts: 5,
        auditWeights: EQUAL_AUDIT_WEIGHTS,
        platformLimits: DEFAULT_PLATFORM_LIMITS,
      });
      expect(Object.values(config.orchestration.auditWeights)).toEqual([1, 1, 1, 1, 1]);
    });

    it('uses the default LLM and HTTP settings', () => {
      expect(config.nodeEnv).toBe('development');
      expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, bodyLimitBytes: 102_400 });
      expect(config.socket.maxMessageBytes).toBe(102_400);
      expect(config.store).toEqual({ dataDir: './data' });
      expect(config.auth.tokens.size).toBe(0);
      expect(config.shutdown).toEqual({ mode: 'drain', graceMs: 10_000 });
      expect(config.llm).toEqual(
        expect.objectContaining({ responseFormat: 'json_schema', stream: false, maxRetries: 3, requestTimeoutMs: 25_000 }),
      );
    });
  });

  it('reads numbers from their string form', () => {
    const config = loadConfig({ AGENT_TIMEOUT_MS: '5000', RUN_TIMEOUT_MS: '60000', MAX_ATTEMPTS: '3', LLM_STREAM: 'true', NODE_ENV: 'test' });

    expect(config.orchestration).toEqual(expect.objectContaining({ agentTimeoutMs: 5000, runTimeoutMs: 60_000, maxAttempts: 3 }));
    expect(config.llm.stream).toBe(true);
    expect(config.nodeEnv).toBe('test');
  });

  describe('provider', () => {
    it('picks Azure OpenAI when its endpoint is set', () => {
      const config = loadConfig({ AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com', OPENAI_BASE_URL: 'http://localhost:11434/v1' });

      expect(config.llm.provider).toBe('azure');
      expect(config.llm.azure).toEqual({
        endpoint: 'https://contoso.openai.azure.com',
        apiKey: undefined,
        deployment: 'gpt-4o',
        apiVersion: '2024-10-21',
      });
    });

    it('picks the OpenAI-compatible client when only its base URL is set', () => {
      const config = loadConfig({ OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_MODEL: 'llama3.1' });

      expect(config.llm.provider).toBe('openai');
      expect(config.llm.openai).toEqual(expect.objectContaining({ baseURL: 'http://localhost:11434/v1', model: 'llama3.1' }));
    });

    it('lets LLM_PROVIDER override the automatic choice', () => {
      expect(loadConfig({ LLM_PROVIDER: 'offline', AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com' }).llm.provider).toBe('offline');
      expect(loadConfig({ LLM_PROVIDER: 'openai', AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com' }).llm.provider).toBe('openai');
    });

    it('treats an empty endpoint as unset', () => {
      expect(loadConfig({ AZURE_OPENAI_ENDPOINT: '', OPENAI_BASE_URL: '' }).llm.provider).toBe('offline');
    });

    it('uses Cosmos DB when COSMOS_ENDPOINT is set, with its defaults', () => {
      expect(loadConfig({}).store.cosmos).toBeUndefined();
      expect(loadConfig({ COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/' }).store.cosmos).toEqual({
        endpoint: 'https://acct.documents.azure.com:443/',
        key: undefined,
        database: 'campaign-orchestrator',
        container: 'campaigns',
        eventsContainer: 'run-events',
        eventsTtlSeconds: 2_592_000,
        maxRetries: 9,
        maxRetryWaitSeconds: 30,
      });
      expect(() => loadConfig({ COSMOS_ENDPOINT: 'http://127.0.0.1:8081', COSMOS_CONTAINER: 'a/b' })).toThrow(/COSMOS_CONTAINER/);
    });

    it('treats any blank variable as unset, so its default applies', () => {
      const config = loadConfig({ MAX_ATTEMPTS: '', AGENT_TIMEOUT_MS: '  ', OFFLINE_LATENCY_MS: '' });
      expect(config.orchestration.maxAttempts).toBe(5);
      expect(config.orchestration.agentTimeoutMs).toBe(30_000);
      expect(config.llm.offlineLatencyMs).toEqual({ min: 400, max: 1200 });
    });

    it('requires the Azure endpoint when LLM_PROVIDER=azure', () => {
      expect(problemsOf({ LLM_PROVIDER: 'azure' })).toEqual([expect.stringContaining('AZURE_OPENAI_ENDPOINT')]);
    });

    it('rejects an unknown provider', () => {
      expect(problemsOf({ LLM_PROVIDER: 'anthropic' })).toEqual([expect.stringContaining('LLM_PROVIDER')]);
    });
  });

  describe('validation', () => {
    it('names every invalid variable in one error', () => {
      const problems = problemsOf({ MAX_ATTEMPTS: 'abc', AGENT_TIMEOUT_MS: '0', OFFLINE_LATENCY_MS: 'fast', AZURE_OPENAI_ENDPOINT: 'not a url' });

      for (const variable of ['MAX_ATTEMPTS', 'AGENT_TIMEOUT_MS', 'OFFLINE_LATENCY_MS', 'AZURE_OPENAI_ENDPOINT']) {
        expect(problems).toContainEqual(expect.stringContaining(variable));
      }
    });

    it('lists the problems in the error message', () => {
      expect(() => loadConfig({ MAX_ATTEMPTS: 'abc', AGENT_TIMEOUT_MS: '0' })).toThrow(/MAX_ATTEMPTS[\s\S]*AGENT_TIMEOUT_MS|AGENT_TIMEOUT_MS[\s\S]*MAX_ATTEMPTS/);
    });

    it.each([
      ['MAX_ATTEMPTS', '21'],
      ['MAX_ATTEMPTS', '2.5'],
      ['RUN_TIMEOUT_MS', '-1'],
      ['LLM_MAX_RETRIES', '11'],
      ['LLM_REQUEST_TIMEOUT_MS', '99'],
      ['LLM_STREAM', 'yes'],
      ['LLM_RESPONSE_FORMAT', 'xml'],
      ['NODE_ENV', 'staging'],
    ])('rejects %s=%s, naming only that variable', (variable, value) => {
      const problems = problemsOf({ [variable]: value });

      expect(problems.length).toBeGreaterThan(0);
      expect(problems.filter((problem) => !problem.includes(variable))).toEqual([]);
    });
  });

  describe('AUDIT_WEIGHTS', () => {
    it('overrides the named categories and leaves the others at 1', () => {
      const { auditWeights } = loadConfig({ AUDIT_WEIGHTS: 'compliance=2,risk=1.5' }).orchestration;

      expect(auditWeights).toEqual({ toneConsistency: 1, clarity: 1, compliance: 2, accessibility: 1, risk: 1.5 });
    });

    it('rejects an unknown category, naming it', () => {
      expect(problemsOf({ AUDIT_WEIGHTS: 'compliance=2,speed=3' })).toEqual([expect.stringMatching(/AUDIT_WEIGHTS.*"speed"/)]);
    });

    it('rejects a malformed list', () => {
      expect(problemsOf({ AUDIT_WEIGHTS: 'compliance:2' })).toContainEqual(expect.stringContaining('AUDIT_WEIGHTS'));
    });

    it('rejects weights that are all 0', () => {
      const zero = 'toneConsistency=0,clarity=0,compliance=0,accessibility=0,risk=0';

      expect(problemsOf({ AUDIT_WEIGHTS: zero })).toEqual([expect.stringContaining('AUDIT_WEIGHTS')]);
    });
  });

  describe('PLATFORM_LIMITS', () => {
    it('overrides the named platforms and keeps the defaults of the others', () => {
      const { platformLimits } = loadConfig({ PLATFORM_LIMITS: 'x=300,linkedin=1000' }).orchestration;

      expect(platformLimits).toEqual({ ...DEFAULT_PLATFORM_LIMITS, x: 300, linkedin: 1000 });
    });

    it('rejects an unknown platform, naming it', () => {
      expect(problemsOf({ PLATFORM_LIMITS: 'x=300,myspace=100' })).toEqual([expect.stringMatching(/PLATFORM_LIMITS.*"myspace"/)]);
    });

    it('rejects a malformed list', () => {
      expect(problemsOf({ PLATFORM_LIMITS: 'x=lots' })).toContainEqual(expect.stringContaining('PLATFORM_LIMITS'));
    });
  });

  describe('OFFLINE_LATENCY_MS', () => {
    it.each([
      ['0', { min: 0, max: 0 }],
      ['250', { min: 250, max: 250 }],
      ['100-300', { min: 100, max: 300 }],
      ['900-300', { min: 300, max: 900 }],
    ])('reads %j as %j', (value, range) => {
      expect(loadConfig({ OFFLINE_LATENCY_MS: value }).llm.offlineLatencyMs).toEqual(range);
    });
  });

  describe('REDIS_URL', () => {
    it('is off by default: one embedded process', () => {
      expect(loadConfig({}).redis).toBeUndefined();
    });

    it('reads the URL, the prefix (default orchestrator) and the connect deadline (default 10 s)', () => {
      expect(loadConfig({ REDIS_URL: 'rediss://:secret@cache.redis.cache.windows.net:6380' }).redis).toEqual({
        url: 'rediss://:secret@cache.redis.cache.windows.net:6380',
        prefix: 'orchestrator',
        connectTimeoutMs: 10_000,
      });
      expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'staging', REDIS_CONNECT_TIMEOUT_MS: '100' }).redis).toMatchObject({ prefix: 'staging', connectTimeoutMs: 100 });
    });

    it.each([
      [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
      [{ REDIS_URL: 'redis://127.0.0.1', REDIS_PREFIX: 'a b' }, 'REDIS_PREFIX must be 1-64 letters, digits, _ . or -'],
      [{ REDIS_URL: 'redis://127.0.0.1', REDIS_CONNECT_TIMEOUT_MS: '99' }, 'REDIS_CONNECT_TIMEOUT_MS must not be less than 100'],
      [{ REDIS_URL: 'redis://127.0.0.1', REDIS_CONNECT_TIMEOUT_MS: 'soon' }, 'REDIS_CONNECT_TIMEOUT_MS must be an integer number'],
    ])('rejects %j', (env, message) => {
      expect(problemsOf(env)).toContain(message);
    });
  });

  describe('RUN_LEASE_MS and RUN_CONCURRENCY', () => {
    it('default to a 10 s lease, 20 runs per node and a 24 h idempotency window', () => {
      expect(loadConfig({}).runs).toEqual({ leaseMs: 10_000, concurrency: 20, idempotencyWindowMs: 86_400_000 });
      expect(loadConfig({ IDEMPOTENCY_WINDOW_SECONDS: '600' }).runs.idempotencyWindowMs).toBe(600_000);
      expect(problemsOf({ IDEMPOTENCY_WINDOW_SECONDS: '10' }).join()).toMatch(/IDEMPOTENCY_WINDOW_SECONDS/);
    });

    it('limit each tenant to 120 starts a minute and 50 active runs by default; 0 is no limit', () => {
      expect(loadConfig({}).tenants).toEqual({ startsPerMinute: 120, maxActiveRuns: 50 });
      expect(loadConfig({ TENANT_RUN_STARTS_PER_MINUTE: '0', TENANT_MAX_ACTIVE_RUNS: '0' }).tenants).toEqual({ startsPerMinute: 0, maxActiveRuns: 0 });
      expect(problemsOf({ TENANT_MAX_ACTIVE_RUNS: '-1' }).join()).toMatch(/TENANT_MAX_ACTIVE_RUNS/);
    });

    it('open the model breaker after 5 failures in a row and probe every 30 s by default; 0 failures is no breaker', () => {
      expect(loadConfig({}).llm.breaker).toEqual({ failures: 5, probeMs: 30_000 });
      expect(loadConfig({ LLM_BREAKER_FAILURES: '0' }).llm.breaker.failures).toBe(0);
      expect(problemsOf({ LLM_BREAKER_PROBE_MS: '5' }).join()).toMatch(/LLM_BREAKER_PROBE_MS/);
    });

    it('allow a node without a worker only with Redis', () => {
      expect(loadConfig({ RUN_CONCURRENCY: '0', REDIS_URL: 'redis://127.0.0.1:6379' }).runs.concurrency).toBe(0);
      expect(problemsOf({ RUN_CONCURRENCY: '0' })).toContain('RUN_CONCURRENCY: 0 (no worker) needs REDIS_URL, so that other nodes execute the runs');
    });

    it('refuse a lease under a second', () => {
      expect(problemsOf({ RUN_LEASE_MS: '500' })).toContainEqual(expect.stringContaining('RUN_LEASE_MS'));
    });
  });

  describe('socket limits', () => {
    it('default to 100 KiB messages, 100 messages a second, 100 runs followed and 4 MiB queued per socket', () => {
      expect(loadConfig({}).socket).toEqual({ maxMessageBytes: 100 * 1024, messagesPerSecond: 100, maxSubscriptions: 100, maxBufferedBytes: 4 * 1024 * 1024 });
    });

    it('refuse a buffer bound under 64 KiB and a rate of zero', () => {
      expect(problemsOf({ SOCKET_MAX_BUFFERED_BYTES: '1000' })).toContainEqual(expect.stringContaining('SOCKET_MAX_BUFFERED_BYTES'));
      expect(problemsOf({ SOCKET_MESSAGES_PER_SECOND: '0' })).toContainEqual(expect.stringContaining('SOCKET_MESSAGES_PER_SECOND'));
    });
  });

  describe('METRICS_TOKEN', () => {
    it('is optional (empty: none) and, when set, 16+ characters', () => {
      expect(loadConfig({ METRICS_TOKEN: '' }).telemetry.metricsToken).toBeUndefined();
      expect(loadConfig({ METRICS_TOKEN: 'scrape-token-0123456789' }).telemetry.metricsToken).toBe('scrape-token-0123456789');
      expect(problemsOf({ METRICS_TOKEN: 'short' })).toContain('METRICS_TOKEN must be 16+ characters without spaces');
    });
  });

  describe('SHUTDOWN_MODE', () => {
    it('hands runs back only with Redis, where another node can take them over', () => {
      expect(loadConfig({ SHUTDOWN_MODE: 'handback', REDIS_URL: 'redis://127.0.0.1:6379' }).shutdown).toEqual({ mode: 'handback', graceMs: 10_000 });
      expect(problemsOf({ SHUTDOWN_MODE: 'handback' })).toContain('SHUTDOWN_MODE: handback needs REDIS_URL, so that another node takes the runs over');
    });

    it('refuses a mode it does not know', () => {
      expect(problemsOf({ SHUTDOWN_MODE: 'abandon' })).toContainEqual(expect.stringContaining('SHUTDOWN_MODE'));
    });
  });
});
