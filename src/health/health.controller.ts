import { Controller, Get } from '@nestjs/common';
import { RunRegistry } from '../orchestration/run-registry';

/** Liveness of the process (container HEALTHCHECK, Kubernetes liveness probe). */
@Controller('health')
export class HealthController {
  constructor(private readonly registry: RunRegistry) {}

  /** 200 while the process serves requests. */
  @Get('live')
  live(): { status: 'ok'; activeRuns: number } {
    return { status: 'ok', activeRuns: this.registry.size };
  }
}
