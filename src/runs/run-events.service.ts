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
 * one) makes it read the missing ones from the store first, and so does the bus's reconnection
 * (which may have lost any event, the terminal one too). Completes after the terminal event; a
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
   * it calls `handOver()` at a moment when no event is being published and, when that returns
   * true, completes; the caller delivers the later events from `live(runId)` itself (the socket
   * gateway broadcasts them to a room, encoding each once), after `lastSeq`, the last one
   * delivered here. The union is still gap-free and duplicate-free. A subscriber that asked for
   * the events after one not published yet is handed over once the live channel has brought it;
   * when the run ends before, the stream completes without a terminal event.
   * @throws DomainError RUN_NOT_FOUND (as the observable's error) for an unknown run or another tenant's.
   */
  stream(tenantId: TenantId, runId: string, afterSeq = 0, handOver?: (lastSeq: number) => boolean): Observable<OrchestrationEvent> {
    return new Observable<OrchestrationEvent>((subscriber) => {
      let lastSeq = afterSeq;
      let caughtUp = false;
      let liveEnded = false;
      let handedOver = false;
      const published = this.bus.publishedSeq(tenantId, runId);
      // A subscriber that has every event published so far needs no replay: the store holds nothing it will not get live.
      const upToDate = published !== undefined && published <= afterSeq;
      /**
       * The highest seq the live channel has brought (what was published before, when up to date).
       * The store can be ahead of it: a distributed bus delivers an event some time after it was
       * stored. A subscriber can be ahead of it too: it asked for the events after one not
       * published yet.
       */
      let liveSeq = upToDate ? published : 0;
      /** Live events not delivered yet: during the replay, and while a gap is read from the store. */
      const pending: OrchestrationEvent[] = [];
      /** Set when the bus came back from a break: the next catch-up reads the store whatever the live events say. */
      let lossPossible = false;
      const deliver = (event: OrchestrationEvent) => {
        if (event.seq <= lastSeq || subscriber.closed) return;
        lastSeq = event.seq;
        subscriber.next(event);
        if (isTerminalState(event.state)) subscriber.complete();
      };
      /**
       * Delivers the pending events in order; when the next one is not `lastSeq + 1`, or the bus
       * may have lost events, reads the missing ones from the store first.
       */
      const catchUp = async () => {
        caughtUp = false;
        // Read again only when the bus broke once more during a read: the store holds every published event.
        for (let read = false; ; read = true) {
          pending.sort((a, b) => a.seq - b.seq);
          const next = pending.find((event) => event.seq > lastSeq);
          const gap = next !== undefined && next.seq > lastSeq + 1;
          if (!lossPossible && (!gap || read)) break;
          lossPossible = false;
          (await this.repository.listEvents(tenantId, runId, lastSeq)).forEach(deliver);
        }
        pending.splice(0).forEach(deliver);
        caughtUp = true;
        // Not executing here (or no longer): the events the channel did not bring are in the store.
        if (liveEnded) return finish();
        // Handed over now, or by a later live event once the channel has caught up with the store.
        handOverWhenLevel();
      };
      const fail = (error: unknown) => subscriber.error(error);
      let finishing = false;
      /**
       * The live channel has ended: the events it did not bring are in the store (a run that ended
       * between the subscription and the replay), then the end (which has no terminal event for a
       * subscriber that asked for the events after it).
       */
      const finish = () => {
        if (finishing || subscriber.closed) return Promise.resolve();
        finishing = true;
        return this.stored(tenantId, runId, lastSeq).then((rest) => {
          rest.forEach(deliver);
          subscriber.complete();
        });
      };
      /**
       * Hands the subscriber over to the caller's broadcast once it is caught up and the live
       * channel has brought everything it has (so the broadcast, fed by the same channel, is at
       * the same seq). It runs outside the bus's delivery of an event, so that every subscriber of
       * the channel has had the same events when it happens. When the caller refuses (its
       * broadcast has not brought `lastSeq` yet), it is offered again after the next live event.
       */
      const handOverWhenLevel = () => {
        if (!handOver || handedOver || !caughtUp || liveEnded || subscriber.closed || liveSeq < lastSeq) return;
        handedOver = true;
        queueMicrotask(() => {
          if (subscriber.closed) return;
          if (!handOver(lastSeq)) return void (handedOver = false);
          live.unsubscribe();
          subscriber.complete();
        });
      };
      const live = this.bus.live(runId).subscribe({
        next: (event) => {
          liveSeq = Math.max(liveSeq, event.seq);
          if (caughtUp && event.seq <= lastSeq + 1) deliver(event);
          else {
            pending.push(event);
            // A gap (the transport lost an event): fill it from the store, holding later events meanwhile.
            if (caughtUp) void catchUp().catch(fail);
          }
          handOverWhenLevel();
        },
        complete: () => {
          liveEnded = true;
          // During a catch-up, the catch-up finishes.
          if (caughtUp) void finish().catch(fail);
        },
      });
      live.add(
        this.bus.reconnected$.subscribe(() => {
          lossPossible = true;
          // During the replay, its own catch-up reads the store.
          if (caughtUp) void catchUp().catch(fail);
        }),
      );
      const replay = upToDate ? Promise.resolve([]) : this.stored(tenantId, runId, afterSeq);
      replay
        .then((stored) => {
          stored.forEach(deliver);
          return catchUp();
        })
        .catch(fail);
      return () => live.unsubscribe();
    });
  }

  /** Live events of a run executing here, from now on; completes at once for any other run. */
  live(runId: string): Observable<OrchestrationEvent> {
    return this.bus.live(runId);
  }

  /** Emits when the live events may have lost some (the bus's transport came back from a break). */
  get reconnected$(): Observable<void> {
    return this.bus.reconnected$;
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
