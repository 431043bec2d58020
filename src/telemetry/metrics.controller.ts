import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/http-auth.guard';
import { TenantResolver } from '../auth/tenant-resolver';
import { AppConfig } from '../config/app-config';
import { sendProblem, toProblem } from '../http/problem-details.filter';
import { DomainError } from '../common/domain-error';
import { ApiProblems } from '../http/api-docs';
import { metricsExporter } from './telemetry';

/** True when `given` is `expected`, compared in constant time. */
function sameToken(given: string | undefined, expected: string): boolean {
  const [a, b] = [Buffer.from(given ?? ''), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /metrics: the OpenTelemetry metrics in Prometheus text format, for scrapers. Not behind the
 * tenants' tokens (the metrics are the deployment's); behind `METRICS_TOKEN` when it is set.
 */
@ApiTags('telemetry')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiOperation({ operationId: 'metrics', summary: 'The metrics in Prometheus text format (no token, or the METRICS_TOKEN when it is set)' })
  @ApiSecurity({})
  @ApiSecurity('metricsToken')
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'Prometheus text exposition format' })
  @ApiServiceUnavailableResponse({ schema: { type: 'string' }, description: 'Telemetry is not started' })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 500: ['INTERNAL_ERROR'] })
  scrape(@Req() request: Request, @Res() response: Response): void {
    const token = this.config.telemetry.metricsToken;
    if (token && !sameToken(TenantResolver.bearer(request.headers.authorization), token)) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      sendProblem(response, toProblem(new DomainError('UNAUTHORIZED', 'GET /metrics needs the METRICS_TOKEN as a bearer token')));
      return;
    }
    const exporter = metricsExporter();
    if (!exporter) {
      response.status(503).type('text/plain').send('# telemetry is not started\n');
      return;
    }
    exporter.getMetricsRequestHandler(request, response);
  }
}
