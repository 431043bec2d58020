import { Injectable, Logger } from '@nestjs/common';
import { Subscription } from 'rxjs';
import type { Server, Socket } from 'socket.io';
import type { OrchestrationEvent } from '@app/contracts';
import type { TenantId } from '../persistence/run.repository';
import { RunEventsService } from '../runs/run-events.service';
import { instruments } from '../telemetry/instruments';

/** The Socket.IO room of a run's live events on this node. */
const roomOf = (runId: string) => `run:${runId}`;

/**
 * The run subscriptions of this node's sockets. A socket has at most one subscription per run. It
 * gets its replay on its own (`RunEventsService.stream`), then joins the run's room at the
 * hand-over, so that each live event is encoded once and written to every subscriber (ADR 0009);
 * one broadcast per run with subscribers here feeds the room from `RunEventsService.live`.
 */
@Injectable()
export class RunSubscriptions {
  private readonly logger = new Logger(RunSubscriptions.name);
  /** One broadcast of live events per run with subscribers in its room. */
  private readonly broadcasts = new Map<string, Subscription>();
  private readonly bySocket = new WeakMap<Socket, Map<string, Subscription>>();
  private server!: Server;

  constructor(private readonly events: RunEventsService) {}

  /** The server whose rooms carry live events (the gateway's, once initialised). */
  attach(server: Server): void {
    this.server = server;
  }

  /**
   * Streams the run's events after `afterSeq` to the socket, replacing its earlier subscription to
   * the run: the replay on its own, then the live events through the run's room.
   */
  follow(socket: Socket, tenantId: TenantId, runId: string, afterSeq: number): void {
    const subscriptions = this.of(socket);
    subscriptions.get(runId)?.unsubscribe();
    const replay: Subscription = this.events.stream(tenantId, runId, afterSeq, () => this.joinLive(socket, runId)).subscribe({
      next: (event) => this.emit(socket, event),
      error: (error: unknown) => this.logger.warn(`Stream of run ${runId} to socket ${socket.id} failed: ${String(error)}`),
      complete: () => {
        if (subscriptions.get(runId) === replay) subscriptions.delete(runId);
      },
    });
    if (!replay.closed) subscriptions.set(runId, replay);
  }

  /** Ends the socket's subscription to the run, if it has one. */
  unfollow(socket: Socket, runId: string): void {
    const subscriptions = this.of(socket);
    subscriptions.get(runId)?.unsubscribe();
    subscriptions.delete(runId);
  }

  /** Ends every subscription of a socket that went away. */
  drop(socket: Socket): void {
    for (const subscription of this.of(socket).values()) subscription.unsubscribe();
    this.bySocket.delete(socket);
  }

  private of(socket: Socket): Map<string, Subscription> {
    let subscriptions = this.bySocket.get(socket);
    if (!subscriptions) this.bySocket.set(socket, (subscriptions = new Map()));
    return subscriptions;
  }

  /** Puts the socket in the run's room, starting the run's broadcast if it has none. */
  private joinLive(socket: Socket, runId: string): void {
    const room = roomOf(runId);
    if (!this.broadcasts.has(runId)) {
      const broadcast = this.events.live(runId).subscribe({
        next: (event) => this.emit(this.server.local.to(room), event),
        complete: () => this.endBroadcast(runId),
      });
      // Cannot happen after a hand-over (the run was executing), but a closed channel means nothing to join.
      if (broadcast.closed) return;
      this.broadcasts.set(runId, broadcast);
    }
    void socket.join(room);
    this.of(socket).set(runId, new Subscription(() => void socket.leave(room)));
  }

  /** The run's live events have ended: its subscribers leave the room. */
  private endBroadcast(runId: string): void {
    this.broadcasts.delete(runId);
    const room = roomOf(runId);
    for (const id of this.server.sockets.adapter.rooms.get(room) ?? []) {
      const socket = this.server.sockets.sockets.get(id);
      if (!socket) continue;
      this.bySocket.get(socket)?.delete(runId);
      void socket.leave(room);
    }
  }

  private emit(target: { emit(event: string, ...args: unknown[]): unknown }, event: OrchestrationEvent): void {
    target.emit('run:event', event);
    instruments().deliveryLag.record(Date.now() - Date.parse(event.timestamp));
  }
}
