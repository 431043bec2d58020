import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiExtraModels, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
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
import { ApiIdempotencyKey, ApiProblems, ApiProtected, IDEMPOTENT_REPLAYED, START_PROBLEMS } from './api-docs';
import { EXAMPLES } from './api-examples';
import { CancelledRun, OrchestrationEvent as EventSchema, RunDetail as RunDetailSchema, StartedRun as StartedRunSchema } from './dto/run.response';

/** The answer of a REST start: the run; a replay of an earlier start with the same key says so in `Idempotent-Replayed`, its body the same. */
export async function answerStart(response: Response, started: Promise<StartedRun>): Promise<StartedRun> {
  const { replayed, ...run } = await started;
  if (replayed) response.setHeader('Idempotent-Replayed', 'true');
  return run;
}

/** Runs: create-and-start, status and results, events (JSON or Server-Sent Events), cancel. */
@ApiTags('runs')
@ApiProtected()
@Controller('api/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly events: RunEventsService,
  ) {}

  /** Creates a campaign and starts its first run: 202 with the run id at once. */
  @Post()
  @HttpCode(202)
  @ApiOperation({ operationId: 'createAndStartRun', summary: 'Create a campaign and start its first run: 202 at once' })
  @ApiIdempotencyKey()
  @ApiBody({ type: CreateAndStartRunDto, examples: EXAMPLES.createAndStart })
  @ApiAcceptedResponse({ type: StartedRunSchema, headers: IDEMPOTENT_REPLAYED })
  @ApiProblems(START_PROBLEMS)
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
  @ApiOperation({ operationId: 'getRun', summary: 'A run: status, result status, artifacts, versions, audit reports, errors, metrics' })
  @ApiOkResponse({ type: RunDetailSchema })
  @ApiProblems({ 404: ['RUN_NOT_FOUND'] })
  get(@Tenant() tenant: TenantId, @Param('runId') runId: string): Promise<RunDetail> {
    return this.runs.get(tenant, runId);
  }

  /**
   * The run's events after `afterSeq` as JSON; with `Accept: text/event-stream`, a Server-Sent
   * Events stream (replay, then live; `id:` is the seq; honours `Last-Event-ID`) that closes after
   * the terminal event.
   */
  @Get(':runId/events')
  @ApiOperation({
    operationId: 'listRunEvents',
    summary: 'A run’s events after afterSeq: JSON, or with Accept: text/event-stream a Server-Sent Events stream (replay, then live)',
  })
  @ApiHeader({ name: 'Accept', required: false, description: '`text/event-stream` for the SSE form', schema: { type: 'string', example: 'text/event-stream' } })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'SSE: resume after this seq (wins over afterSeq)', schema: { type: 'string', pattern: '^\\d+$' } })
  @ApiExtraModels(EventSchema)
  @ApiOkResponse({
    description: 'The stored events after afterSeq, in seq order; SSE: `id:` is the seq, `data:` the event, a `: keep-alive` comment every 15 s, the stream ends after the terminal event',
    content: {
      'application/json': { schema: { type: 'array', items: { $ref: getSchemaPath(EventSchema) } } },
      'text/event-stream': { schema: { type: 'string', description: 'Server-Sent Events: `retry: 2000`, then `id: <seq>` + `data: <OrchestrationEvent as JSON>` per event' } },
    },
    headers: { 'Cache-Control': { description: 'SSE: `no-cache, no-transform`', schema: { type: 'string' } } },
  })
  @ApiNoContentResponse({ description: 'SSE only: the run has ended and nothing is after afterSeq (or Last-Event-ID), which tells EventSource to stop reconnecting' })
  @ApiProblems({ 400: ['VALIDATION_FAILED'], 404: ['RUN_NOT_FOUND'] })
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
  @ApiOperation({ operationId: 'cancelRun', summary: 'Cancel a run: in-flight model calls close at once; 202 once its end is stored' })
  @ApiAcceptedResponse({ type: CancelledRun })
  @ApiProblems({ 404: ['RUN_NOT_FOUND'], 409: ['RUN_ALREADY_FINISHED'] })
  cancel(@Tenant() tenant: TenantId, @Param('runId') runId: string): Promise<{ runId: string; status: OrchestrationRun['status'] }> {
    return this.runs.cancel(tenant, runId);
  }
}
