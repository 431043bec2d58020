import type { FactoryProvider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { InProcessRunEventBus } from './adapters/in-process-run-event-bus';
import { redactedUrl, redisConnection } from './adapters/redis-connection';
import { RedisRunEventBus } from './adapters/redis-run-event-bus';
import { RunEventBus } from './run-event-bus';

/**
 * The event bus the configuration asks for: Redis pub/sub with `REDIS_URL`, subscribed before the
 * node serves (the boot fails, naming Redis, when it does not answer within `REDIS_CONNECT_TIMEOUT_MS`),
 * else in-process.
 */
export const runEventBusProvider: FactoryProvider<RunEventBus> = {
  provide: RunEventBus,
  inject: [AppConfig],
  useFactory: async (config: AppConfig) => {
    if (!config.redis) return new InProcessRunEventBus();
    const { url, prefix, connectTimeoutMs } = config.redis;
    const bus = new RedisRunEventBus(redisConnection(url, 'bus'), redisConnection(url, 'bus-subscriber'), prefix);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis at ${redactedUrl(url)} did not answer within ${connectTimeoutMs} ms`)), connectTimeoutMs);
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

