import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { DomainError } from './common/domain-error';
import { InputValidationPipe } from './common/validate-dto';
import { buildOpenApiDocument } from './http/openapi';
import { sendProblem, toProblem } from './http/problem-details.filter';
import { ConfiguredIoAdapter } from './realtime/socket-io.adapter';

const bodyLog = new NestLogger('HTTP');

/** Media types of the bodies the API reads. */
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * A body that is not JSON (a form, `text/plain`, none named) sent to the API gets 415 rather than
 * being read as empty and answered with every field missing. Requests without a body pass.
 */
function refuseNonJsonBodies(request: Request, response: Response, next: NextFunction): void {
  const length = Number(request.headers['content-length'] ?? (request.headers['transfer-encoding'] ? 1 : 0));
  if (!request.path.startsWith('/api/') || !(length > 0) || request.is(JSON_TYPES)) return next();
  const type = request.headers['content-type'] ?? 'none';
  sendProblem(response, toProblem(new DomainError('UNSUPPORTED_MEDIA_TYPE', `The request body must be application/json (got ${type})`)));
}

/** The folder of the live progress page, from source or from dist. */
function publicDir(): string {
  const candidates = [join(__dirname, '..', 'public'), join(__dirname, '..', '..', 'public')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

/**
 * Builds the application with everything main.ts and the e2e tests share: body limit and problem
 * details for bad bodies, validation, OpenAPI at /api/docs, the page at /,
 * Socket.IO with its limits, pino logs, /metrics, and shutdown hooks. `override` replaces the
 * configuration and `logDestination` captures the logs (tests).
 */
export async function createApp(override?: AppConfig, logDestination?: DestinationStream): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(override, logDestination), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  const config = app.get(AppConfig);
  // Security headers, with a Content-Security-Policy that allows only this origin's scripts (the
  // page and the OpenAPI UI have no inline script) and its own WebSocket. Plain HTTP stays usable
  // (no upgrade-insecure-requests): TLS is the load balancer's or the platform's.
  app.use(helmet({ contentSecurityPolicy: { directives: { 'connect-src': ["'self'"], 'upgrade-insecure-requests': null } } }));
  app.use(json({ limit: config.http.bodyLimitBytes, type: JSON_TYPES }));
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (!error) return next();
    const problem = toProblem(error);
    bodyLog.warn(`${request.method} ${request.path}: refused its body (${problem.code}): ${problem.detail}`);
    sendProblem(response, problem);
  });
  app.use(refuseNonJsonBodies);
  app.useGlobalPipes(new InputValidationPipe());
  // No global prefix: the controllers name /api themselves, so /metrics needs no exclusion and the boot log names every route as it is served.
  app.useStaticAssets(publicDir(), { index: 'index.html' });
  app.useWebSocketAdapter(new ConfiguredIoAdapter(app));
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app));
  app.enableShutdownHooks();
  return app;
}
