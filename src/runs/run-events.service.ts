import { Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { isTerminalState, OrchestrationEvent } from '@app/contracts';
import { RunRepository, TenantId } from '../persistence/run.repository';
import { DomainError } from '../common/domain-error';
import { RunEventBus } from './run-event-bus';

/**
 * A run's events after a given `seq`: the stored ones, then the live ones, with no gap and no
 * duplicate. It subscribes to the live channel first and buffers, reads the store (unless nothing
 * after `afterSeq` was published yet by a run executing here), emits the stored events, then the
 * buffered and live ones whose `seq` is new; a live event that skips a `seq` (a transport that lost
 * one) makes it read the missing ones from the store first. Completes after the terminal event; a
 * finished run replays from the store and completes.
 */
@Injectable()
export class RunEventsService {
  constructor(
    private readonly repository: RunRepository,
    private readonly bus: RunEventBus,
  ) {}

  /**
   * With `handOver`, the stream stops once the subscriber has caught up with a run executing here:
   * it calls `handOver()` at a moment when no event is being published and completes, and the
   * caller delivers the later events from `live(runId)` itself (the socket gateway broadcasts them
   * to a room, encoding each once). The union is still gap-free and duplicate-free.
   * @throws DomainError RUN_NOT_FOUND (as the observable's error) for an unknown run or another tenant's.
   */
  stream(tenantId: TenantId, runId: string, afterSeq = 0, handOver?: () => void): Observable<OrchestrationEvent> {
    return new Observable<OrchestrationEvent>((subscriber) => {
      let lastSeq = afterSeq;
      let caughtUp = false;
      let liveEnded = false;
      /** Live events not delivered yet: during the replay, and while a gap is read from the store. */
      const pending: OrchestrationEvent[] = [];
      const deliver = (event: OrchestrationEvent) => {
        if (event.seq <= lastSeq || subscriber.closed) return;
        lastSeq = event.seq;
        subscriber.next(event);
        if (isTerminalState(event.state)) subscriber.complete();
      };
      /** Delivers the pending events in order; when the next one is not `lastSeq + 1`, reads the missing ones from the store first. */
      const catchUp = async () => {
        caughtUp = false;
        pending.sort((a, b) => a.seq - b.seq);
        const next = pending.find((event) => event.seq > lastSeq);
        if (next && next.seq > lastSeq + 1) (await this.repository.listEvents(tenantId, runId, lastSeq)).forEach(deliver);
        pending.splice(0).forEach(deliver);
        caughtUp = true;
      };
      const fail = (error: unknown) => subscriber.error(error);
      const live = this.bus.live(runId).subscribe({
        next: (event) => {
          if (caughtUp && event.seq <= lastSeq + 1) return deliver(event);
          pending.push(event);
          // A gap (the transport lost an event): fill it from the store, holding later events meanwhile.
          if (caughtUp) void catchUp().catch(fail);
        },
        complete: () => (liveEnded = true),
      });
      // A subscriber that already has every published event of a run executing here (the client that
      // has just started it) needs no replay: the store holds nothing it will not get live.
      const replay = this.bus.upToDate(tenantId, runId, afterSeq) ? Promise.resolve([]) : this.stored(tenantId, runId, afterSeq);
      replay
        .then((stored) => {
          stored.forEach(deliver);
          return catchUp();
        })
        .then(() => {
          if (handOver && !liveEnded && !subscriber.closed) {
            handOver();
            subscriber.complete();
            return undefined;
          }
          // Not executing here and no terminal event stored yet: the run ended between our two reads.
          if (liveEnded && !subscriber.closed) return this.stored(tenantId, runId, lastSeq).then((rest) => rest.forEach(deliver));
          return undefined;
        })
        .then(() => {
          if (liveEnded && !subscriber.closed) subscriber.complete();
        })
        .catch(fail);
      return () => live.unsubscribe();
    });
  }

  /** Live events of a run executing here, from now on; completes at once for any other run. */
  live(runId: string): Observable<OrchestrationEvent> {
    return this.bus.live(runId);
  }

  /**
   * The stored events of a run after `afterSeq`.
   * @throws DomainError RUN_NOT_FOUND
   */
  async stored(tenantId: TenantId, runId: string, afterSeq = 0): Promise<OrchestrationEvent[]> {
    const run = await this.repository.getRun(tenantId, runId);
    if (!run) throw new DomainError('RUN_NOT_FOUND', `Run ${runId} not found`);
    return this.repository.listEvents(tenantId, runId, afterSeq);
  }
}
