import type { FactoryProvider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { InProcessRunEventBus } from './adapters/in-process-run-event-bus';
import { redactedUrl, redisConnection } from './adapters/redis-connection';
import { RedisRunEventBus } from './adapters/redis-run-event-bus';
import { RunEventBus } from './run-event-bus';

/** How long a node waits at boot for Redis to confirm its subscription before it gives up. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The event bus the configuration asks for: Redis pub/sub with `REDIS_URL`, subscribed before the
 * node serves (the boot fails, naming Redis, when it does not answer in time), else in-process.
 */
export const runEventBusProvider: FactoryProvider<RunEventBus> = {
  provide: RunEventBus,
  inject: [AppConfig],
  useFactory: async (config: AppConfig) => {
    if (!config.redis) return new InProcessRunEventBus();
    const bus = new RedisRunEventBus(redisConnection(config.redis.url, 'bus'), redisConnection(config.redis.url, 'bus-subscriber'), config.redis.prefix);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis at ${redactedUrl(config.redis!.url)} did not answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    });
    try {
      await Promise.race([bus.connect(), late]);
    } catch (error) {
      await bus.disconnect();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return bus;
  },
};

