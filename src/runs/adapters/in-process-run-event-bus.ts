import { Injectable } from '@nestjs/common';
import { NEVER, Observable, Subject } from 'rxjs';
import { isTerminalState, OrchestrationEvent } from '@app/contracts';
import type { TenantId } from '../../persistence/run.repository';
import { RunEventBus } from '../run-event-bus';

interface Channel {
  subject: Subject<OrchestrationEvent>;
  tenantId: TenantId;
  /** The `seq` of the last event published (0 before the first). */
  lastSeq: number;
}

/**
 * The embedded bus: one process executes and serves every run, so a run's channel lives from
 * `open` to its terminal event, and a run without a channel is not executing anywhere.
 */
@Injectable()
export class InProcessRunEventBus extends RunEventBus {
  private readonly channels = new Map<string, Channel>();
  /** Nothing in one process is ever lost in transit. */
  readonly reconnected$: Observable<void> = NEVER;
  private cancelHandler: (runId: string) => void = () => undefined;

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

  open(runId: string, tenantId: TenantId, storedSeq = 0): void {
    if (!this.channels.has(runId)) this.channels.set(runId, { subject: new Subject(), tenantId, lastSeq: storedSeq });
  }

  close(runId: string): void {
    const channel = this.channels.get(runId);
    this.channels.delete(runId);
    channel?.subject.complete();
  }

  /** In one process a run is taken over only by another process on the same store: its local subscribers fall back to the store. */
  release(runId: string): void {
    this.close(runId);
  }

  publishedSeq(tenantId: TenantId, runId: string): number | undefined {
    const channel = this.channels.get(runId);
    return channel?.tenantId === tenantId ? channel.lastSeq : undefined;
  }

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

  async requestCancel(runId: string): Promise<void> {
    this.cancelHandler(runId);
  }

  onCancel(handler: (runId: string) => void): void {
    this.cancelHandler = handler;
  }

  async ping(): Promise<void> {}

  /** Number of runs with an open channel. */
  get size(): number {
    return this.channels.size;
  }
}
