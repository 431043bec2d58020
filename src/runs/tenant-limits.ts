import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RetryLaterError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { RunRepository, TenantId } from '../persistence/run.repository';
import { closeConnection, redisConnection } from './adapters/redis-connection';

/** What a start refused for the tenant's active runs is told to wait: a run takes seconds to end. */
const ACTIVE_RETRY_AFTER_SECONDS = 5;

/**
 * The per-tenant limits of run starts, over all nodes: starts per minute (rate-limiter-flexible;
 * in Redis with `REDIS_URL`, so every node draws on one budget, with a per-node budget in memory as
 * its insurance while Redis does not answer) and runs queued or running at once (counted in the
 * shared store, the one place that knows them all). A refusal is `RATE_LIMITED` with the seconds
 * to wait. Two starts that race on different nodes may both pass the active-runs check: the limit
 * can be exceeded by the starts in flight at that moment, never more.
 */
@Injectable()
export class TenantLimits implements OnModuleInit, OnApplicationShutdown {
  private readonly starts?: RateLimiterAbstract;
  private readonly redis?: Redis;

  constructor(
    private readonly repository: RunRepository,
    private readonly config: AppConfig,
  ) {
    const { startsPerMinute } = config.tenants;
    if (startsPerMinute === 0) return;
    const options = { points: startsPerMinute, duration: 60, keyPrefix: 'tenant-starts' };
    if (!config.redis) {
      this.starts = new RateLimiterMemory(options);
      return;
    }
    // Connected when the module starts, not when it is built (a spec that builds one connects nowhere).
    this.redis = redisConnection(config.redis.url, 'limits', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    this.starts = new RateLimiterRedis({
      ...options,
      keyPrefix: `${config.redis.prefix}:tenant-starts`,
      storeClient: this.redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }

  /**
   * Admits one run start of `tenantId`, drawing on its budget of starts per minute.
   * @throws RetryLaterError RATE_LIMITED over either limit
   */
  async admitStart(tenantId: TenantId): Promise<void> {
    const { maxActiveRuns, startsPerMinute } = this.config.tenants;
    if (maxActiveRuns > 0 && (await this.repository.countActiveRuns(tenantId)) >= maxActiveRuns) {
      throw new RetryLaterError('RATE_LIMITED', `The tenant has ${maxActiveRuns} runs queued or running, its limit; start more once some have ended`, ACTIVE_RETRY_AFTER_SECONDS);
    }
    try {
      await this.starts?.consume(tenantId);
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      throw new RetryLaterError('RATE_LIMITED', `The tenant may start ${startsPerMinute} runs a minute`, Math.max(1, Math.ceil(refused.msBeforeNext / 1000)));
    }
  }

  /**
   * Connects to Redis before the node serves, so that its first starts draw on the shared budget;
   * a Redis that refuses the first attempt does not stop the boot (ioredis goes on trying).
   */
  async onModuleInit(): Promise<void> {
    // Until it is ready, and whenever it is not, starts draw on the per-node insurance budget.
    await this.redis?.connect().catch(() => undefined);
  }

  /** Closes the connection; one still trying to reach Redis stops trying (else its timers keep the process alive). */
  async onApplicationShutdown(): Promise<void> {
    if (this.redis) await closeConnection(this.redis);
  }
}
