import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/http-auth.guard';
import { metricsExporter } from './telemetry';

/** GET /metrics: the OpenTelemetry metrics in Prometheus text format, for scrapers. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  scrape(@Req() request: Request, @Res() response: Response): void {
    const exporter = metricsExporter();
    if (!exporter) {
      response.status(503).type('text/plain').send('# telemetry is not started\n');
      return;
    }
    exporter.getMetricsRequestHandler(request, response);
  }
}
