import { setTimeout as delay } from 'node:timers/promises';
import { Redis, RedisOptions } from 'ioredis';

/** A Redis connection named after its role (`CLIENT LIST` shows it). */
export function redisConnection(url: string, role: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { connectionName: `campaign-orchestrator:${role}`, ...options });
}

/** How long a close waits for Redis to answer `QUIT` before it drops the connection. */
const QUIT_WAIT_MS = 1000;

/**
 * Closes a connection: `QUIT` (commands sent before it are answered first) when it is ready,
 * waiting at most a second for the answer; then, and at once when it is not ready, it drops the
 * connection, so that a Redis that does not answer (or one still being reached) cannot hold a
 * shutdown, or a failed boot, open.
 */
export async function closeConnection(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await Promise.race([redis.quit().catch(() => undefined), delay(QUIT_WAIT_MS, undefined, { ref: false })]);
  redis.disconnect();
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_, credentials: string) => `//${credentials.split(':')[0]}:***@`);
}
