import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { ACTIVE_RUN_STATUSES, OrchestrationEvent, OrchestrationRun } from '@app/contracts';

/** Interval of SSE comment lines that keep proxies from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;

/**
 * Writes `events` as Server-Sent Events (`id:` = seq, `data:` = the event) and ends the response
 * after the terminal event. A finished run with nothing after `afterSeq` answers 204, which tells
 * `EventSource` not to reconnect.
 */
export function streamEvents(request: Request, response: Response, run: OrchestrationRun, afterSeq: number, events: Observable<OrchestrationEvent>): void {
  if (!ACTIVE_RUN_STATUSES.includes(run.status) && afterSeq >= run.lastSeq) {
    response.status(204).end();
    return;
  }
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write('retry: 2000\n\n');
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
  const end = () => {
    clearInterval(heartbeat);
    if (!response.writableEnded) response.end();
  };
  const subscription = events.subscribe({
    next: (event) => response.write(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`),
    error: (error: unknown) => {
      response.write(`event: error\ndata: ${JSON.stringify({ code: (error as { code?: string }).code ?? 'INTERNAL_ERROR' })}\n\n`);
      end();
    },
    complete: end,
  });
  request.on('close', () => {
    subscription.unsubscribe();
    end();
  });
}
