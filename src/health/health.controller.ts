import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../auth/http-auth.guard';
import { ApiPublic } from '../http/api-docs';
import { HealthCheck } from '../http/dto/problem.response';
import { AppConfig } from '../config/app-config';
import { LlmAvailability } from '../llm/llm-breaker';
import { RunRepository } from '../persistence/run.repository';
import { RunEventBus } from '../runs/run-event-bus';
import { RunQueue } from '../runs/run-queue';

/** Liveness (the process serves) and readiness (the store answers, Redis when configured, the model endpoint's breaker closed), without a token. */
@ApiTags('health')
@ApiPublic()
@Public()
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly repository: RunRepository,
    private readonly bus: RunEventBus,
    private readonly queue: RunQueue,
    private readonly config: AppConfig,
    private readonly llm: LlmAvailability,
  ) {}

  /** 200 while the process serves requests. */
  @Get('live')
  @ApiOperation({ operationId: 'live', summary: 'Liveness: 200 while the process serves requests' })
  @ApiOkResponse({ type: HealthCheck })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * 200 when the store (and Redis, when configured) answers and the model endpoint's circuit
   * breaker is closed; 503 otherwise, naming what is down.
   */
  @Get('ready')
  @ApiOperation({ operationId: 'ready', summary: 'Readiness: the store (and Redis) answer and the model endpoint’s circuit breaker is closed' })
  @ApiOkResponse({ type: HealthCheck })
  @ApiServiceUnavailableResponse({ type: HealthCheck, description: 'Not ready: `error` names what is down (store, redis, llm)' })
  async ready(@Res() response: Response): Promise<void> {
    const checks = [() => this.probe('store', () => this.repository.ping())];
    if (this.config.redis) checks.push(() => this.probe('redis', () => Promise.all([this.bus.ping(), this.queue.ping()]).then(() => undefined)));
    checks.push(() => this.probe('llm', async () => {
      if (!this.llm.available) throw new Error(`The model endpoint failed repeatedly (circuit open); next probe in ${this.llm.retryAfterSeconds} s`);
    }));
    try {
      response.json(await this.health.check(checks));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503).json(error.getResponse());
    }
  }

  private async probe(name: string, ping: () => Promise<void>) {
    const indicator = this.indicators.check(name);
    try {
      await ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
