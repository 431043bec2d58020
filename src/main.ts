import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { RunRegistry } from './orchestration/run-registry';

/** Boots the HTTP server: /api/health/live for now (the run API lands with the server issue). */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: false });
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  const config = app.get(AppConfig);
  const registry = app.get(RunRegistry);
  process.once('SIGTERM', () => registry.cancelAll());
  await app.listen(config.http.port, config.http.host);
  new Logger('Bootstrap').log(`Listening on http://${config.http.host}:${config.http.port} (LLM: ${config.llm.provider})`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
