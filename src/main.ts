import 'reflect-metadata';
// First: the .env file, then telemetry, which must start before the modules it instruments are loaded.
import './config/apply-env-file';
import { telemetry } from './telemetry/instrument';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig } from './config/app-config';
import { exportersOf } from './telemetry/telemetry';

/**
 * Starts the server: REST under /api, Socket.IO at /socket.io, the live page at /, Prometheus
 * metrics at /metrics. SIGTERM shuts it down gracefully, then flushes the telemetry exporters.
 */
async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.http.port, config.http.host);
  // The bound port, which differs from the configured one when that is 0 (any free port).
  const { port } = app.getHttpServer().address() as AddressInfo;
  const { tokens, jwt } = config.auth;
  const auth = [tokens.size > 0 ? `${tokens.size} token(s)` : '', jwt ? `JWTs of ${jwt.issuer}` : ''].filter(Boolean).join(' + ') || 'open (loopback only)';
  const store = config.store.cosmos ? 'cosmos' : `sqlite in ${config.store.dataDir}`;
  new Logger('Bootstrap').log(
    `Listening on http://${config.http.host}:${port} (LLM: ${config.llm.provider}, store: ${store}, auth: ${auth}, telemetry: ${exportersOf(config.telemetry).join('+')})`,
  );
  app.getHttpServer().once('close', () => void telemetry.shutdown());
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
