import type { Observable } from 'rxjs';
import type { OrchestrationEvent } from '@app/contracts';
import type { TenantId } from '../persistence/run.repository';

/**
 * The live side of runs, across every node that serves them: stored events on their way to
 * subscribers, and cancel requests on their way to the node that executes the run.
 *
 * Contract (every adapter passes `test/contracts/run-event-bus.contract.ts`):
 * - `publish` is called only after the event is stored, in `seq` order per run, by the node that
 *   executes the run. A subscriber that subscribes to `live` and then reads the store misses
 *   nothing: what was published before it subscribed is in the store.
 * - `live` delivers each published event of the run at most once per subscription, in `seq` order,
 *   and completes after the terminal event or `close`. A transport that can lose messages (a
 *   broken connection) may skip events: `RunEventsService` fills gaps from the store, so nothing
 *   reaches a client out of order or twice.
 * - `reconnected$` emits when the transport is back after it may have lost messages; every
 *   subscriber then reads what it missed from the store (a lost terminal event would otherwise
 *   leave its stream open).
 * - A cancel request reaches the `onCancel` handler of every node (the one that executes the run
 *   acts on it; the others ignore it). It is a request, not a result: the run's stored terminal
 *   event says whether it was cancelled.
 */
export abstract class RunEventBus {
  /** Publishes a stored event of a run executing on this node. */
  abstract publish(event: OrchestrationEvent): void;

  /**
   * Declares that `runId` of `tenantId` starts executing on this node.
   * @param storedSeq the `seq` of the last event the run has stored already (a run taken over goes on after it).
   */
  abstract open(runId: string, tenantId: TenantId, storedSeq?: number): void;

  /** Ends a run's live events without a terminal event (its subscribers fall back to the store). */
  abstract close(runId: string): void;

  /** Forgets a run this node no longer executes (another node took it over), telling nobody. */
  abstract release(runId: string): void;

  /**
   * The `seq` of the last event published for `runId` (0 before the first) when it executes on
   * this node for `tenantId`: a subscriber that subscribes to `live(runId)` now gets every later
   * event, with no store read. Undefined whenever this node cannot tell.
   */
  abstract publishedSeq(tenantId: TenantId, runId: string): number | undefined;

  /**
   * The live events of `runId` from now on, in `seq` order, until its terminal event. Completes at
   * once when this node knows the run is not executing anywhere (the embedded bus knows; a
   * distributed one does not, and completes only with the terminal event or `close`).
   */
  abstract live(runId: string): Observable<OrchestrationEvent>;

  /**
   * Emits each time the transport has come back after a break in which it may have lost published
   * events (once it listens again, so that nothing published later is lost too). Never emits for
   * a transport that cannot lose any.
   */
  abstract readonly reconnected$: Observable<void>;

  /** Asks the node that executes `runId` to cancel it. */
  abstract requestCancel(runId: string): Promise<void>;

  /** Registers this node's handler of cancel requests (the run executor's). */
  abstract onCancel(handler: (runId: string) => void): void;

  /** Resolves when the transport answers (readiness); rejects otherwise. */
  abstract ping(): Promise<void>;
}
