import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { isTerminalState, OrchestrationEvent } from '@app/contracts';
import type { TenantId } from '../persistence/run.repository';

interface Channel {
  subject: Subject<OrchestrationEvent>;
  tenantId: TenantId;
  /** The `seq` of the last event published (0 before the first). */
  lastSeq: number;
}

/**
 * Live events of the runs executing in this process, one channel per run. An event is published
 * only after it was stored, so a subscriber that reads the store after subscribing here misses
 * nothing. A channel completes with its run's terminal event.
 */
@Injectable()
export class RunEventBus {
  private readonly channels = new Map<string, Channel>();

  /** Publishes a stored event of a run executing here; events come in `seq` order. */
  publish(event: OrchestrationEvent): void {
    const channel = this.channels.get(event.runId);
    if (!channel) return;
    // Set first: a subscriber that joins while this event is delivered and already has it needs nothing older.
    channel.lastSeq = event.seq;
    channel.subject.next(event);
    if (isTerminalState(event.state)) {
      this.channels.delete(event.runId);
      channel.subject.complete();
    }
  }

  /** Opens the channel of a run of `tenantId` about to execute. */
  open(runId: string, tenantId: TenantId): void {
    if (!this.channels.has(runId)) this.channels.set(runId, { subject: new Subject(), tenantId, lastSeq: 0 });
  }

  /** Ends a run's channel without a terminal event (its subscribers fall back to the store). */
  close(runId: string): void {
    const channel = this.channels.get(runId);
    this.channels.delete(runId);
    channel?.subject.complete();
  }

  /**
   * True when `runId` executes here for `tenantId` and nothing after `afterSeq` was published yet:
   * a subscriber that subscribes to `live(runId)` now gets every later event, with no store read.
   */
  upToDate(tenantId: TenantId, runId: string, afterSeq: number): boolean {
    const channel = this.channels.get(runId);
    return channel !== undefined && channel.tenantId === tenantId && channel.lastSeq <= afterSeq;
  }

  /** Live events of `runId`; completes at once when the run is not executing here. */
  live(runId: string): Observable<OrchestrationEvent> {
    return new Observable((subscriber) => {
      const channel = this.channels.get(runId);
      if (!channel) {
        subscriber.complete();
        return undefined;
      }
      return channel.subject.subscribe(subscriber);
    });
  }

  /** Number of runs with an open channel. */
  get size(): number {
    return this.channels.size;
  }
}
