import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { OrchestrationRun, RunDetail } from '@app/contracts';
import { Caller, Tenant } from '../auth/http-auth.guard';
import type { Principal } from '../auth/principal';
import type { TenantId } from '../persistence/run.repository';
import { CreateAndStartRunDto, EventsQueryDto } from '../runs/dto/start-run.dto';
import { RunEventsService } from '../runs/run-events.service';
import { idempotencyKeyOf } from '../runs/idempotency';
import { RunsService, StartedRun } from '../runs/runs.service';
import { streamEvents } from './sse';

/** The answer of a REST start: the run; a replay of an earlier start with the same key says so in `Idempotent-Replayed`, its body the same. */
export async function answerStart(response: Response, started: Promise<StartedRun>): Promise<StartedRun> {
  const { replayed, ...run } = await started;
  if (replayed) response.setHeader('Idempotent-Replayed', 'true');
  return run;
}

/** Runs: create-and-start, status and results, events (JSON or Server-Sent Events), cancel. */
@ApiTags('runs')
@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly events: RunEventsService,
  ) {}

  /** Creates a campaign and starts its first run: 202 with the run id at once. */
  @Post()
  @HttpCode(202)
  start(
    @Caller() caller: Principal,
    @Body() body: CreateAndStartRunDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StartedRun> {
    return answerStart(response, this.runs.start(caller.tenantId, body, { idempotencyKey: idempotencyKeyOf(idempotencyKey), requestedBy: caller.subject }));
  }

  /** The run: status, result status, artifacts, audit reports, errors, metrics. */
  @Get(':runId')
  get(@Tenant() tenant: TenantId, @Param('runId') runId: string): Promise<RunDetail> {
    return this.runs.get(tenant, runId);
  }

  /**
   * The run's events after `afterSeq` as JSON; with `Accept: text/event-stream`, a Server-Sent
   * Events stream (replay, then live; `id:` is the seq; honours `Last-Event-ID`) that closes after
   * the terminal event.
   */
  @Get(':runId/events')
  @ApiProduces('application/json', 'text/event-stream')
  async listEvents(
    @Tenant() tenant: TenantId,
    @Param('runId') runId: string,
    @Query() query: EventsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const run = await this.runs.get(tenant, runId);
    if (accept?.includes('text/event-stream')) {
      const resumeFrom = /^\d+$/.test(lastEventId ?? '') ? Number(lastEventId) : (query.afterSeq ?? 0);
      streamEvents(request, response, run, resumeFrom, this.events.stream(tenant, runId, resumeFrom));
      return;
    }
    response.json(await this.events.stored(tenant, runId, query.afterSeq ?? 0));
  }

  /** Cancels the run: 202 with its status; 409 when it has already ended. */
  @Post(':runId/cancel')
  @HttpCode(202)
  cancel(@Tenant() tenant: TenantId, @Param('runId') runId: string): Promise<{ runId: string; status: OrchestrationRun['status'] }> {
    return this.runs.cancel(tenant, runId);
  }
}
