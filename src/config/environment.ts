import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * The environment variables the server reads, with their defaults. Validated once at boot;
 * every invalid variable is reported by name. `.env.example` lists the same variables.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  /** Interface to listen on; loopback by default. */
  @IsString()
  HOST: string = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  /** Log level: fatal, error, warn, info, debug, trace or silent. */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** The service name on traces, metrics and logs. */
  @IsString()
  OTEL_SERVICE_NAME: string = 'campaign-orchestrator';

  /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318): traces and metrics are exported there when set. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** Application Insights: traces and metrics go to Azure Monitor when set. */
  @IsOptional()
  @IsString()
  APPLICATIONINSIGHTS_CONNECTION_STRING?: string;

  /** Where the embedded SQLite store keeps its file. */
  @IsString()
  DATA_DIR: string = './data';

  /**
   * Redis (Azure Cache for Redis in production): when set, nodes share live events and cancel
   * requests over it; `rediss://` for TLS, credentials in the URL.
   */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of every Redis key and channel: deployments that share a Redis keep apart by it. */
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'REDIS_PREFIX must be 1-64 letters, digits, _ . or -' })
  REDIS_PREFIX: string = 'orchestrator';

  /** How long a node waits at boot for Redis to answer (its event bus subscribed) before the boot fails. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  REDIS_CONNECT_TIMEOUT_MS: number = 10_000;

  /** Azure Cosmos DB (NoSQL) account endpoint; when set, the store is Cosmos DB instead of SQLite. `http://` is accepted for local emulators. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  COSMOS_ENDPOINT?: string;

  /** Account key; without it, Entra ID (DefaultAzureCredential) is used. */
  @IsOptional()
  @IsString()
  COSMOS_KEY?: string;

  @Matches(/^[^/\\?#]{1,255}$/, { message: 'COSMOS_DATABASE must be 1-255 characters without / \\ ? #' })
  COSMOS_DATABASE: string = 'campaign-orchestrator';

  /** Container of campaigns, runs, artifacts, versions and audit reports (partition key /campaignId). */
  @Matches(/^[^/\\?#]{1,255}$/, { message: 'COSMOS_CONTAINER must be 1-255 characters without / \\ ? #' })
  COSMOS_CONTAINER: string = 'campaigns';

  /** Container of run events (partition key /runId). */
  @Matches(/^[^/\\?#]{1,255}$/, { message: 'COSMOS_EVENTS_CONTAINER must be 1-255 characters without / \\ ? #' })
  COSMOS_EVENTS_CONTAINER: string = 'run-events';

  /** Time to live of run events, in seconds (-1: never expire). */
  @Transform(toInt)
  @IsInt()
  @Min(-1)
  COSMOS_EVENTS_TTL_SECONDS: number = 30 * 24 * 3600;

  /** Retries of throttled (429) requests by the SDK, and the longest total wait for them. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  COSMOS_MAX_RETRIES: number = 9;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  COSMOS_MAX_RETRY_WAIT_SECONDS: number = 30;

  /**
   * `token:tenant` pairs, comma-separated. Unset: the server is open (one tenant, `default`) and
   * may only listen on loopback.
   */
  @IsOptional()
  @Matches(/^[^:,\s]{16,}:[\w.-]+(,[^:,\s]{16,}:[\w.-]+)*$/, { message: 'AUTH_TOKENS must be "token:tenant" pairs separated by commas, tokens of 16+ characters' })
  AUTH_TOKENS?: string;

  /**
   * Entra ID (or any OpenID Connect issuer): when set, bearer tokens may also be JWTs whose `iss` is
   * exactly this, e.g. https://login.microsoftonline.com/<directory id>/v2.0. AUTH_TOKENS keep
   * working beside them. The AUTH_JWT_* variables below apply only when it is set.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'AUTH_JWT_ISSUER must be an absolute https:// URL' })
  AUTH_JWT_ISSUER?: string;

  /** The accepted `aud` values, comma-separated (the API's application id or its App ID URI); required with AUTH_JWT_ISSUER. */
  @IsOptional()
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'AUTH_JWT_AUDIENCE must be one audience or several separated by commas, without spaces' })
  AUTH_JWT_AUDIENCE?: string;

  /** The issuer's signing keys; unset: the `jwks_uri` of `<AUTH_JWT_ISSUER>/.well-known/openid-configuration`. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'AUTH_JWT_JWKS_URL must be an absolute https:// URL' })
  AUTH_JWT_JWKS_URL?: string;

  /** Accepted signature algorithms, comma-separated: asymmetric ones only (never `none`, never HS*). */
  @IsString()
  AUTH_JWT_ALGORITHMS: string = 'RS256';

  /** Tolerance on `exp`, `nbf` and `iat`, in seconds, for clocks that disagree. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_JWT_CLOCK_SKEW_SECONDS: number = 60;

  /** The shortest time between two fetches of the keys for a token whose `kid` is unknown (jose's cooldown), ms. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  AUTH_JWT_JWKS_COOLDOWN_MS: number = 30_000;

  /** The claim that names the caller's tenant (Entra ID: `tid`, the directory); a token without it is refused. */
  @Matches(/^\S{1,256}$/, { message: 'AUTH_JWT_TENANT_CLAIM must be a claim name without spaces' })
  AUTH_JWT_TENANT_CLAIM: string = 'tid';

  /**
   * The app role (in `roles`) or delegated scope (in `scp`) that reading needs, and the one that
   * starting, cancelling and creating need; the write role implies the read role.
   */
  @Matches(/^\S{1,256}$/, { message: 'AUTH_JWT_READ_ROLE must be a role or scope name without spaces' })
  AUTH_JWT_READ_ROLE: string = 'Campaigns.Read';

  @Matches(/^\S{1,256}$/, { message: 'AUTH_JWT_WRITE_ROLE must be a role or scope name without spaces' })
  AUTH_JWT_WRITE_ROLE: string = 'Campaigns.Write';

  /**
   * When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` (tenant tokens do not
   * open it: the metrics are the whole deployment's). Unset, /metrics answers without a token, as
   * most scrapers expect inside a private network.
   */
  @IsOptional()
  @Matches(/^\S{16,}$/, { message: 'METRICS_TOKEN must be 16+ characters without spaces' })
  METRICS_TOKEN?: string;

  /** Largest JSON body the REST API accepts, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  HTTP_BODY_LIMIT_BYTES: number = 100 * 1024;

  /** Largest socket message payload accepted, in bytes; larger ones get a PAYLOAD_TOO_LARGE ack. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  SOCKET_MAX_MESSAGE_BYTES: number = 100 * 1024;

  /** Messages one socket may send per second; more get a RATE_LIMITED ack (the handler does not run). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SOCKET_MESSAGES_PER_SECOND: number = 100;

  /** Runs one socket may follow at once; one more gets a TOO_MANY_SUBSCRIPTIONS ack. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SOCKET_MAX_SUBSCRIPTIONS: number = 100;

  /**
   * Bytes the server may hold for one socket that does not read what it is sent (its client or
   * network is too slow); past it the socket is disconnected (it may reconnect and resume with
   * afterSeq), so one client cannot grow the server's memory without bound.
   */
  @Transform(toInt)
  @IsInt()
  @Min(64 * 1024)
  SOCKET_MAX_BUFFERED_BYTES: number = 4 * 1024 * 1024;

  /**
   * On SIGTERM: `drain` lets in-flight runs finish for up to SHUTDOWN_GRACE_MS, then hands the
   * rest back to the queue (with REDIS_URL) or cancels them (embedded); `handback` hands them back
   * at once (REDIS_URL only: another node takes them over from their stored events); `cancel`
   * cancels them at once.
   */
  @IsIn(['drain', 'handback', 'cancel'])
  SHUTDOWN_MODE: string = 'drain';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 10_000;

  /**
   * How long a node's hold on a run it executes lasts without renewal (renewed every third of it).
   * A run whose node died is failed by boot recovery (or taken over) only once its lease expired.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  RUN_LEASE_MS: number = 10_000;

  /**
   * With REDIS_URL: how many runs this node's worker executes at once; more wait, queued. 0: no
   * worker here (a node that only serves the API and the streams).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  RUN_CONCURRENCY: number = 20;

  /** Run starts one tenant may make per minute, on all nodes together; more get 429 (ack RATE_LIMITED). 0: no limit. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  TENANT_RUN_STARTS_PER_MINUTE: number = 120;

  /** Runs of one tenant queued or running at once, on all nodes together; one more start gets 429. 0: no limit. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  TENANT_MAX_ACTIVE_RUNS: number = 50;

  /** How long an `Idempotency-Key` of a run start holds: a repeat within it returns the original run. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  IDEMPOTENCY_WINDOW_SECONDS: number = 24 * 3600;

  /** `auto` picks Azure OpenAI, then an OpenAI-compatible endpoint, then the offline client. */
  @IsIn(['auto', 'azure', 'openai', 'offline'])
  LLM_PROVIDER: string = 'auto';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AZURE_OPENAI_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  AZURE_OPENAI_API_KEY?: string;

  @IsString()
  AZURE_OPENAI_DEPLOYMENT: string = 'gpt-4o';

  @IsString()
  AZURE_OPENAI_API_VERSION: string = '2024-10-21';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OPENAI_BASE_URL?: string;

  @IsOptional()
  @IsString()
  OPENAI_API_KEY?: string;

  @IsString()
  OPENAI_MODEL: string = 'gpt-4o-mini';

  /** `json_schema` (structured outputs) or `json_object` for endpoints without schema support. */
  @IsIn(['json_schema', 'json_object'])
  LLM_RESPONSE_FORMAT: string = 'json_schema';

  @IsIn(['true', 'false'])
  LLM_STREAM: string = 'false';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  LLM_MAX_RETRIES: number = 3;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  LLM_REQUEST_TIMEOUT_MS: number = 25_000;

  /**
   * Consecutive failed LLM calls (connection errors, timeouts, 401/403, 5xx, after their retries)
   * that open the circuit breaker: readiness reports it and new runs get 503 LLM_UNAVAILABLE. 0: no breaker.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  LLM_BREAKER_FAILURES: number = 5;

  /** While the breaker is open, the endpoint is probed this often (ms); the first answer closes it. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  LLM_BREAKER_PROBE_MS: number = 30_000;

  /** `min-max` simulated latency per offline call in ms, a single number, or `0` for none. */
  @Matches(/^\d+(-\d+)?$/, { message: 'OFFLINE_LATENCY_MS must be "min-max" or a number of milliseconds' })
  OFFLINE_LATENCY_MS: string = '400-1200';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  AGENT_TIMEOUT_MS: number = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RUN_TIMEOUT_MS: number = 120_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  MAX_ATTEMPTS: number = 5;

  /** Audit category weights, e.g. `compliance=2,risk=2`; unnamed categories weigh 1. */
  @IsOptional()
  @Matches(/^(\w+=\d+(\.\d+)?)(,\w+=\d+(\.\d+)?)*$/, { message: 'AUDIT_WEIGHTS must look like "compliance=2,risk=1.5"' })
  AUDIT_WEIGHTS?: string;

  /** Platform limit overrides, e.g. `x=280,threads=500`. */
  @IsOptional()
  @Matches(/^(\w+=\d+)(,\w+=\d+)*$/, { message: 'PLATFORM_LIMITS must look like "x=280,linkedin=3000"' })
  PLATFORM_LIMITS?: string;
}
