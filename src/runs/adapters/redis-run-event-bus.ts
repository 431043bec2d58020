import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Observable, Subject, Subscriber } from 'rxjs';
import { isTerminalState, OrchestrationEvent } from '@app/contracts';
import type { TenantId } from '../../persistence/run.repository';
import { RunEventBus } from '../run-event-bus';
import { closeConnection } from './redis-connection';

/** What this node knows of a run it executes. */
interface Executing {
  tenantId: TenantId;
  lastSeq: number;
}

/** Message kinds on the channel: stored events of one run, the end of a run without a terminal event, a cancel request. */
const EVENTS = 'e';
const CLOSE = 'c';
const CANCEL = 'x';

/**
 * The bus across nodes, over Redis pub/sub: one channel (`<prefix>:runs`) that every node
 * subscribes to once, when it starts, carrying stored events (`e|<runId>|<json array>`), the end
 * of a run without a terminal event (`c|<runId>`) and cancel requests (`x|<runId>`). A node parses
 * only the events of runs that have live subscribers on it. Its own events come back to it through
 * Redis too, so every subscriber on every node sees one order. The events of a run published in
 * one turn of the event loop (a stored batch) go in one `PUBLISH`.
 *
 * Pub/sub forgets what it could not deliver while a connection was down: a subscriber may then
 * miss events, which the port allows. When the subscriber connection is back (ioredis reconnects
 * and subscribes again), `reconnected$` emits once the subscription is confirmed, and every
 * subscriber reads what it missed from the store (`RunEventsService`, `RunSubscriptions`).
 */
export class RedisRunEventBus extends RunEventBus implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisRunEventBus.name);
  private readonly channel: string;
  private readonly executing = new Map<string, Executing>();
  private readonly subscribers = new Map<string, Set<Subscriber<OrchestrationEvent>>>();
  private cancelHandler: (runId: string) => void = () => undefined;
  /** Events published in this turn of the event loop, per run, sent together at its end. */
  private readonly outbox = new Map<string, OrchestrationEvent[]>();
  private readonly reconnects = new Subject<void>();
  readonly reconnected$ = this.reconnects.asObservable();
  /** Set once the first subscription is confirmed: every later `ready` is a reconnection. */
  private connected = false;

  /**
   * @param publisher a connection for `PUBLISH` (may be shared with other commands).
   * @param subscriber a connection of its own: in subscriber mode it can do nothing else.
   */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    super();
    this.channel = `${prefix}:runs`;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        this.receive(message);
      } catch (error) {
        this.logger.warn(`Dropped a malformed message on ${channel}: ${String(error)}`);
      }
    });
    subscriber.on('ready', () => {
      if (this.connected) void this.resubscribed();
    });
  }

  /** Subscribes to the channel; resolves once Redis confirmed it, so nothing published later is missed. */
  async connect(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
    this.connected = true;
  }

  /**
   * Back after a break: subscribes again (ioredis does too; a second subscription of the same
   * channel changes nothing) and, once Redis confirmed it, tells the subscribers to catch up.
   */
  private async resubscribed(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      this.logger.warn(`Subscribed again to ${this.channel} after a break; live subscribers catch up from the store`);
      this.reconnects.next();
    } catch (error) {
      this.logger.warn(`Could not subscribe again to ${this.channel} (ioredis tries again): ${String(error)}`);
    }
  }

  /** After the executor has drained (an earlier shutdown phase): close the connections. */
  onApplicationShutdown(): Promise<void> {
    return this.disconnect();
  }

  /** Ends every live subscription on this node and closes both connections. */
  async disconnect(): Promise<void> {
    this.connected = false;
    this.reconnects.complete();
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.complete();
    this.subscribers.clear();
    await Promise.all([closeConnection(this.subscriber), closeConnection(this.publisher)]);
  }

  publish(event: OrchestrationEvent): void {
    const executing = this.executing.get(event.runId);
    if (executing) executing.lastSeq = event.seq;
    if (isTerminalState(event.state)) this.executing.delete(event.runId);
    const waiting = this.outbox.get(event.runId);
    if (waiting) return void waiting.push(event);
    this.outbox.set(event.runId, [event]);
    queueMicrotask(() => {
      const events = this.outbox.get(event.runId)!;
      this.outbox.delete(event.runId);
      this.send(`${EVENTS}|${event.runId}|${JSON.stringify(events)}`);
    });
  }

  open(runId: string, tenantId: TenantId, storedSeq = 0): void {
    if (!this.executing.has(runId)) this.executing.set(runId, { tenantId, lastSeq: storedSeq });
  }

  close(runId: string): void {
    this.executing.delete(runId);
    // After the run's events of this turn, not before them.
    queueMicrotask(() => this.send(`${CLOSE}|${runId}`));
  }

  release(runId: string): void {
    this.executing.delete(runId);
  }

  publishedSeq(tenantId: TenantId, runId: string): number | undefined {
    const executing = this.executing.get(runId);
    return executing?.tenantId === tenantId ? executing.lastSeq : undefined;
  }

  live(runId: string): Observable<OrchestrationEvent> {
    return new Observable((subscriber) => {
      let set = this.subscribers.get(runId);
      if (!set) this.subscribers.set(runId, (set = new Set()));
      set.add(subscriber);
      return () => {
        set.delete(subscriber);
        if (set.size === 0 && this.subscribers.get(runId) === set) this.subscribers.delete(runId);
      };
    });
  }

  async requestCancel(runId: string): Promise<void> {
    await this.publisher.publish(this.channel, `${CANCEL}|${runId}`);
  }

  onCancel(handler: (runId: string) => void): void {
    this.cancelHandler = handler;
  }

  async ping(): Promise<void> {
    await Promise.all([this.publisher.ping(), this.subscriber.ping()]);
  }

  private send(message: string): void {
    this.publisher.publish(this.channel, message).catch((error: unknown) => this.logger.warn(`Publish failed: ${String(error)}`));
  }

  private receive(message: string): void {
    const kind = message.slice(0, 1);
    const end = message.indexOf('|', 2);
    const runId = end < 0 ? message.slice(2) : message.slice(2, end);
    if (kind === CANCEL) return this.cancelHandler(runId);
    const set = this.subscribers.get(runId);
    if (!set) return;
    if (kind === CLOSE) return this.end(runId, set);
    for (const event of JSON.parse(message.slice(end + 1)) as OrchestrationEvent[]) {
      for (const subscriber of [...set]) subscriber.next(event);
      if (isTerminalState(event.state)) return this.end(runId, set);
    }
  }

  private end(runId: string, set: Set<Subscriber<OrchestrationEvent>>): void {
    this.subscribers.delete(runId);
    for (const subscriber of set) subscriber.complete();
  }
}
