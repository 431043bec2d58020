import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { isTerminalState, OrchestrationEvent } from '@app/contracts';

/**
 * Live events of the runs executing in this process, one channel per run. An event is published
 * only after it was stored, so a subscriber that reads the store after subscribing here misses
 * nothing. A channel completes with its run's terminal event.
 */
@Injectable()
export class RunEventBus {
  private readonly channels = new Map<string, Subject<OrchestrationEvent>>();

  publish(event: OrchestrationEvent): void {
    const channel = this.channels.get(event.runId);
    if (!channel) return;
    channel.next(event);
    if (isTerminalState(event.state)) {
      this.channels.delete(event.runId);
      channel.complete();
    }
  }

  /** Opens the channel of a run about to execute. */
  open(runId: string): void {
    if (!this.channels.has(runId)) this.channels.set(runId, new Subject());
  }

  /** Ends a run's channel without a terminal event (its subscribers fall back to the store). */
  close(runId: string): void {
    const channel = this.channels.get(runId);
    this.channels.delete(runId);
    channel?.complete();
  }

  /** Live events of `runId`; completes at once when the run is not executing here. */
  live(runId: string): Observable<OrchestrationEvent> {
    return new Observable((subscriber) => {
      const channel = this.channels.get(runId);
      if (!channel) {
        subscriber.complete();
        return undefined;
      }
      return channel.subscribe(subscriber);
    });
  }

  /** Number of runs with an open channel. */
  get size(): number {
    return this.channels.size;
  }
}
