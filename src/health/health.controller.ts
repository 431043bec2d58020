import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../auth/http-auth.guard';
import { RunRepository } from '../persistence/run.repository';

/** Liveness (the process serves) and readiness (the store answers), without a token. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly repository: RunRepository,
  ) {}

  /** 200 while the process serves requests. */
  @Get('live')
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** 200 when the store answers, 503 otherwise. */
  @Get('ready')
  async ready(@Res() response: Response): Promise<void> {
    try {
      response.json(await this.health.check([() => this.store()]));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503).json(error.getResponse());
    }
  }

  private async store() {
    const indicator = this.indicators.check('store');
    try {
      await this.repository.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
