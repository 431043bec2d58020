import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig } from './config/app-config';

/** Starts the server: REST under /api, Socket.IO at /socket.io, the live page at /. SIGTERM shuts it down gracefully. */
async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.http.port, config.http.host);
  const auth = config.auth.tokens.size > 0 ? `${config.auth.tokens.size} token(s)` : 'open (loopback only)';
  new Logger('Bootstrap').log(`Listening on http://${config.http.host}:${config.http.port} (LLM: ${config.llm.provider}, store: ${config.store.dataDir}, auth: ${auth})`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
