import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AUDIT_CATEGORIES } from '@app/contracts';
import { AppConfig, EQUAL_AUDIT_WEIGHTS, LlmProvider, parseKeyValues, platformLimits, ShutdownMode } from './app-config';
import { Environment } from './environment';
import { loadJwtAuth } from './load-jwt-auth';
import { isLoopback } from './loopback';

export { isLoopback };

/** Thrown at boot when environment variables are invalid; names every bad variable. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)));
}

function parseRange(text: string): { min: number; max: number } {
  const [min, max = min] = text.split('-').map(Number);
  return { min: Math.min(min, max), max: Math.max(min, max) };
}

function chooseProvider(env: Environment): LlmProvider {
  if (env.LLM_PROVIDER !== 'auto') return env.LLM_PROVIDER as LlmProvider;
  if (env.AZURE_OPENAI_ENDPOINT) return 'azure';
  if (env.OPENAI_BASE_URL || env.OPENAI_API_KEY) return 'openai';
  return 'offline';
}

/**
 * Validates `source` (normally `process.env`) and builds the typed configuration.
 * The only place that reads environment variables.
 * @throws ConfigValidationError naming every invalid variable.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // A blank variable (`MAX_ATTEMPTS=` in a .env file) means "use the default".
  const given = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const env = plainToInstance(Environment, given, { exposeDefaultValues: true });
  const problems = describe(validateSync(env, { whitelist: false }));
  const provider = chooseProvider(env);
  if (provider === 'azure' && !env.AZURE_OPENAI_ENDPOINT) problems.push('AZURE_OPENAI_ENDPOINT is required when LLM_PROVIDER=azure');
  let auditWeights = EQUAL_AUDIT_WEIGHTS;
  let limits = platformLimits();
  try {
    auditWeights = { ...EQUAL_AUDIT_WEIGHTS, ...parseKeyValues(env.AUDIT_WEIGHTS, AUDIT_CATEGORIES, 'AUDIT_WEIGHTS') };
    if (Object.values(auditWeights).every((w) => w === 0)) problems.push('AUDIT_WEIGHTS: at least one weight must be above 0');
  } catch (error) {
    problems.push((error as Error).message);
  }
  try {
    limits = platformLimits(env.PLATFORM_LIMITS);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const tokens = new Map((env.AUTH_TOKENS ?? '').split(',').filter(Boolean).map((pair) => pair.split(':') as [string, string]));
  const jwt = loadJwtAuth(env, problems);
  if (tokens.size === 0 && !jwt && !isLoopback(env.HOST)) {
    problems.push(`HOST: ${env.HOST} is not a loopback address; set AUTH_TOKENS or AUTH_JWT_ISSUER to serve beyond this machine`);
  }
  if (env.RUN_CONCURRENCY === 0 && !env.REDIS_URL) problems.push('RUN_CONCURRENCY: 0 (no worker) needs REDIS_URL, so that other nodes execute the runs');
  if (env.SHUTDOWN_MODE === 'handback' && !env.REDIS_URL) problems.push('SHUTDOWN_MODE: handback needs REDIS_URL, so that another node takes the runs over');
  if (problems.length > 0) throw new ConfigValidationError(problems);

  return {
    nodeEnv: env.NODE_ENV as AppConfig['nodeEnv'],
    http: { host: env.HOST, port: env.PORT, bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES },
    socket: {
      maxMessageBytes: env.SOCKET_MAX_MESSAGE_BYTES,
      messagesPerSecond: env.SOCKET_MESSAGES_PER_SECOND,
      maxSubscriptions: env.SOCKET_MAX_SUBSCRIPTIONS,
      maxBufferedBytes: env.SOCKET_MAX_BUFFERED_BYTES,
    },
    store: {
      dataDir: env.DATA_DIR,
      cosmos: env.COSMOS_ENDPOINT
        ? {
            endpoint: env.COSMOS_ENDPOINT,
            key: env.COSMOS_KEY,
            database: env.COSMOS_DATABASE,
            container: env.COSMOS_CONTAINER,
            eventsContainer: env.COSMOS_EVENTS_CONTAINER,
            eventsTtlSeconds: env.COSMOS_EVENTS_TTL_SECONDS,
            maxRetries: env.COSMOS_MAX_RETRIES,
            maxRetryWaitSeconds: env.COSMOS_MAX_RETRY_WAIT_SECONDS,
          }
        : undefined,
    },
    redis: env.REDIS_URL ? { url: env.REDIS_URL, prefix: env.REDIS_PREFIX, connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT_MS } : undefined,
    auth: { tokens, jwt },
    shutdown: { mode: env.SHUTDOWN_MODE as ShutdownMode, graceMs: env.SHUTDOWN_GRACE_MS },
    runs: { leaseMs: env.RUN_LEASE_MS, concurrency: env.RUN_CONCURRENCY, idempotencyWindowMs: env.IDEMPOTENCY_WINDOW_SECONDS * 1000 },
    tenants: { startsPerMinute: env.TENANT_RUN_STARTS_PER_MINUTE, maxActiveRuns: env.TENANT_MAX_ACTIVE_RUNS },
    telemetry: {
      // Tests keep quiet unless told otherwise.
      logLevel: (given.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : env.LOG_LEVEL)) as AppConfig['telemetry']['logLevel'],
      serviceName: env.OTEL_SERVICE_NAME,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
      azureMonitorConnectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING,
      metricsToken: env.METRICS_TOKEN,
    },
    llm: {
      provider,
      azure: env.AZURE_OPENAI_ENDPOINT
        ? {
            endpoint: env.AZURE_OPENAI_ENDPOINT,
            apiKey: env.AZURE_OPENAI_API_KEY,
            deployment: env.AZURE_OPENAI_DEPLOYMENT,
            apiVersion: env.AZURE_OPENAI_API_VERSION,
          }
        : undefined,
      openai: { baseURL: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY, model: env.OPENAI_MODEL },
      responseFormat: env.LLM_RESPONSE_FORMAT as 'json_schema' | 'json_object',
      stream: env.LLM_STREAM === 'true',
      maxRetries: env.LLM_MAX_RETRIES,
      requestTimeoutMs: env.LLM_REQUEST_TIMEOUT_MS,
      offlineLatencyMs: parseRange(env.OFFLINE_LATENCY_MS),
      breaker: { failures: env.LLM_BREAKER_FAILURES, probeMs: env.LLM_BREAKER_PROBE_MS },
    },
    orchestration: {
      agentTimeoutMs: env.AGENT_TIMEOUT_MS,
      runTimeoutMs: env.RUN_TIMEOUT_MS,
      maxAttempts: env.MAX_ATTEMPTS,
      auditWeights,
      platformLimits: limits,
    },
  };
}
