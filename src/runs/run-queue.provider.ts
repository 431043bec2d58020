import type { FactoryProvider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RunRepository } from '../persistence/run.repository';
import { BullMqRunQueue } from './adapters/bullmq-run-queue';
import { InProcessRunQueue } from './adapters/in-process-run-queue';
import { redisConnection } from './adapters/redis-connection';
import { RunExecutor } from './run-executor';
import { RunQueue } from './run-queue';

/** The queue the configuration asks for: BullMQ on Redis with `REDIS_URL`, else this node at once. */
export const runQueueProvider: FactoryProvider<RunQueue> = {
  provide: RunQueue,
  inject: [AppConfig, RunRepository, RunExecutor],
  useFactory: (config: AppConfig, repository: RunRepository, executor: RunExecutor) => {
    if (!config.redis) return new InProcessRunQueue(executor);
    const { url, prefix } = config.redis;
    return new BullMqRunQueue(redisConnection(url, 'queue'), redisConnection(url, 'worker', { maxRetriesPerRequest: null }), repository, executor, {
      prefix,
      concurrency: config.runs.concurrency,
      leaseMs: config.runs.leaseMs,
    });
  },
};
