import {
  AUDIT_CATEGORIES,
  AuditCategory,
  DEFAULT_PLATFORM_LIMITS,
  Platform,
  PLATFORMS,
} from '@app/contracts';

/** Which LLM adapter serves the agents. */
export type LlmProvider = 'azure' | 'openai' | 'offline';

/** Settings of the Azure OpenAI adapter. Without `apiKey`, Entra ID (DefaultAzureCredential) is used. */
export interface AzureOpenAiSettings {
  endpoint: string;
  apiKey?: string;
  deployment: string;
  apiVersion: string;
}

/** Settings of the OpenAI-compatible adapter. */
export interface OpenAiCompatibleSettings {
  baseURL?: string;
  apiKey?: string;
  model: string;
}

/** Settings shared by the HTTP LLM adapters. */
export interface LlmSettings {
  provider: LlmProvider;
  azure?: AzureOpenAiSettings;
  openai?: OpenAiCompatibleSettings;
  responseFormat: 'json_schema' | 'json_object';
  stream: boolean;
  maxRetries: number;
  requestTimeoutMs: number;
  /** Simulated latency range of the offline client, in ms. */
  offlineLatencyMs: { min: number; max: number };
  /** Consecutive failed calls that open the circuit breaker (0: none), and how often it then probes (ms). */
  breaker: { failures: number; probeMs: number };
}

/** Logs, traces and metrics. Exporters: OTLP and/or Azure Monitor when configured; Prometheus at /metrics always. */
export interface TelemetrySettings {
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  serviceName: string;
  otlpEndpoint?: string;
  azureMonitorConnectionString?: string;
  /** The bearer token GET /metrics needs; absent: none. */
  metricsToken?: string;
}

/** A JWS algorithm that verifies with a public key from a JWKS (no `none`, no shared-secret HS*). */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/**
 * Bearer JWTs of one OpenID Connect issuer (Entra ID), beside the static tokens. Roles are app
 * roles (`roles`) or delegated scopes (`scp`); the write role implies the read role.
 */
export interface JwtAuthSettings {
  /** The exact `iss` of accepted tokens. */
  issuer: string;
  /** Accepted `aud` values (one of them must match). */
  audiences: string[];
  /** Where the signing keys are; absent: discovered from the issuer's openid-configuration. */
  jwksUrl?: string;
  algorithms: JwtAlgorithm[];
  clockSkewSeconds: number;
  /** Least time between two key fetches for unknown `kid`s (jose's `cooldownDuration`), ms. */
  jwksCooldownMs: number;
  /** The claim naming the tenant. */
  tenantClaim: string;
  readRole: string;
  writeRole: string;
}

/** Settings of the Cosmos DB store. Without `key`, Entra ID (DefaultAzureCredential) is used. */
export interface CosmosSettings {
  endpoint: string;
  key?: string;
  database: string;
  container: string;
  eventsContainer: string;
  /** Seconds; -1 keeps events forever. */
  eventsTtlSeconds: number;
  maxRetries: number;
  maxRetryWaitSeconds: number;
}

/** Settings of the orchestration engine. */
/**
 * What SIGTERM does with the runs in flight: let them finish for the grace period (then hand them
 * back or cancel them), hand them back to the queue at once, or cancel them at once.
 */
export type ShutdownMode = 'drain' | 'handback' | 'cancel';

export interface OrchestrationSettings {
  agentTimeoutMs: number;
  runTimeoutMs: number;
  maxAttempts: number;
  auditWeights: Record<AuditCategory, number>;
  platformLimits: Record<Platform, number>;
}

/** The typed, validated configuration. Built once at boot by `loadConfig`; inject it by class. */
export abstract class AppConfig {
  abstract readonly nodeEnv: 'development' | 'production' | 'test';
  abstract readonly http: { host: string; port: number; bodyLimitBytes: number };
  /** Limits per socket: message size, messages per second, runs followed at once, bytes queued for it. */
  abstract readonly socket: { maxMessageBytes: number; messagesPerSecond: number; maxSubscriptions: number; maxBufferedBytes: number };
  abstract readonly store: { dataDir: string; cosmos?: CosmosSettings };
  /** Redis, shared by the nodes of a scale-out deployment; absent: one embedded process. */
  abstract readonly redis?: { url: string; prefix: string; connectTimeoutMs: number };
  /** Static bearer token → tenant, and JWTs of an identity provider; authentication is off when both are absent. */
  abstract readonly auth: { tokens: ReadonlyMap<string, string>; jwt?: JwtAuthSettings };
  abstract readonly shutdown: { mode: ShutdownMode; graceMs: number };
  /**
   * Execution of runs on this node: the lease it holds on each (ms); with Redis, how many at once;
   * how long a start's idempotency key holds (ms).
   */
  abstract readonly runs: { leaseMs: number; concurrency: number; idempotencyWindowMs: number };
  /** Limits per tenant over all nodes; 0 is no limit. */
  abstract readonly tenants: { startsPerMinute: number; maxActiveRuns: number };
  abstract readonly telemetry: TelemetrySettings;
  abstract readonly llm: LlmSettings;
  abstract readonly orchestration: OrchestrationSettings;
}

/** Parses `a=1,b=2` into an object, rejecting keys outside `allowed`. */
export function parseKeyValues<K extends string>(
  text: string | undefined,
  allowed: readonly K[],
  variable: string,
): Partial<Record<K, number>> {
  const result: Partial<Record<K, number>> = {};
  if (!text) return result;
  for (const pair of text.split(',')) {
    const [key, value] = pair.split('=');
    if (!(allowed as readonly string[]).includes(key)) {
      throw new Error(`${variable}: unknown key "${key}" (allowed: ${allowed.join(', ')})`);
    }
    result[key as K] = Number(value);
  }
  return result;
}

/** Default audit weights: equal. */
export const EQUAL_AUDIT_WEIGHTS = Object.fromEntries(AUDIT_CATEGORIES.map((c) => [c, 1])) as Record<
  AuditCategory,
  number
>;

/** The platform limits with overrides applied. */
export function platformLimits(overrides?: string): Record<Platform, number> {
  return { ...DEFAULT_PLATFORM_LIMITS, ...parseKeyValues(overrides, PLATFORMS, 'PLATFORM_LIMITS') };
}
