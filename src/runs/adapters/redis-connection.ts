import { Redis, RedisOptions } from 'ioredis';

/** A Redis connection named after its role (`CLIENT LIST` shows it). */
export function redisConnection(url: string, role: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { connectionName: `campaign-orchestrator:${role}`, ...options });
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_, credentials: string) => `//${credentials.split(':')[0]}:***@`);
}
