import { Injectable, Logger } from '@nestjs/common';
import { Subscription } from 'rxjs';
import type { Server, Socket } from 'socket.io';
import type { OrchestrationEvent } from '@app/contracts';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import type { TenantId } from '../persistence/run.repository';
import { RunEventsService } from '../runs/run-events.service';
import { instruments } from '../telemetry/instruments';

/** The Socket.IO room of a run's live events on this node. */
const roomOf = (runId: string) => `run:${runId}`;

/** The parts of engine.io's connection that hold what is not sent yet (not in its typings). */
interface Connection {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

/** The WebSocket under a socket, when it uses that transport. */
function transportSocketOf(socket: Socket): { bufferedAmount?: number; terminate?: () => void } | undefined {
  return (socket.conn as unknown as Connection).transport?.socket;
}

/** Bytes queued for a socket: packets engine.io holds until its transport can write, plus what the WebSocket has not flushed. */
export function queuedBytes(socket: Socket): number {
  const connection = socket.conn as unknown as Connection;
  let bytes = transportSocketOf(socket)?.bufferedAmount ?? 0;
  for (const packet of connection.writeBuffer ?? []) {
    const data = packet.data;
    bytes += typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.byteLength : 0;
  }
  return bytes;
}

/** The live events of a run, written to its room. */
interface Broadcast {
  subscription: Subscription;
  tenantId: TenantId;
  /** The `seq` of the last event written to the room: every socket in it has every event up to it. */
  lastSeq: number;
}

/** What this node sends one socket for one run. */
interface Follow {
  /** The socket's own replay, then its place in the run's room; closed once the run's events have ended. */
  subscription: Subscription;
  /** The `seq` of the last event sent to the socket on its own (in the room, the broadcast's is later). */
  lastSeq: number;
  inRoom: boolean;
}

/**
 * The run subscriptions of this node's sockets. A socket has at most one subscription per run,
 * and gets each event of a run at most once, in `seq` order: a subscribe while subscribed (or
 * after the end) replaces the subscription and goes on after the last event the socket got, or
 * after `afterSeq` when that is later; only an unsubscribe forgets what the socket got. The socket
 * gets its replay on its own (`RunEventsService.stream`), then joins the run's room at the
 * hand-over, so that each live event is encoded once and written to every subscriber (ADR 0009);
 * one broadcast per run with subscribers here feeds the room from `RunEventsService.live`.
 * When the broadcast may have missed an event (a `seq` that skips one, or the bus's reconnection),
 * it ends, and each socket of the room is followed again after the last event it got: its replay
 * reads the missing ones from the store and hands it over to a new broadcast.
 */
@Injectable()
export class RunSubscriptions {
  private readonly logger = new Logger(RunSubscriptions.name);
  /** One broadcast of live events per run with subscribers in its room. */
  private readonly broadcasts = new Map<string, Broadcast>();
  private readonly bySocket = new WeakMap<Socket, Map<string, Follow>>();
  private server!: Server;

  constructor(
    private readonly events: RunEventsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Refuses a subscription to one more run when the socket follows `SOCKET_MAX_SUBSCRIPTIONS`
   * runs already (runs whose events have ended do not count).
   * @throws DomainError TOO_MANY_SUBSCRIPTIONS
   */
  assertCanFollow(socket: Socket, runId: string): void {
    const { maxSubscriptions } = this.config.socket;
    let active = 0;
    for (const [id, follow] of this.of(socket)) if (id !== runId && !follow.subscription.closed) active++;
    if (active >= maxSubscriptions) throw new DomainError('TOO_MANY_SUBSCRIPTIONS', `A socket follows at most ${maxSubscriptions} runs at once; unsubscribe from one first`);
  }

  /** The server whose rooms carry live events (the gateway's, once initialised). */
  attach(server: Server): void {
    this.server = server;
  }

  /**
   * Streams the run's events after `afterSeq` (or after the last one the socket got, when later)
   * to the socket, replacing its earlier subscription to the run: the replay on its own, then the
   * live events through the run's room.
   */
  follow(socket: Socket, tenantId: TenantId, runId: string, afterSeq: number): void {
    const follows = this.of(socket);
    const previous = follows.get(runId);
    previous?.subscription.unsubscribe();
    const follow: Follow = { subscription: Subscription.EMPTY, lastSeq: Math.max(afterSeq, previous ? this.sentTo(previous, runId) : 0), inRoom: false };
    follows.delete(runId);
    follows.set(runId, follow);
    this.forgetOldest(follows);
    follow.subscription = this.events.stream(tenantId, runId, follow.lastSeq, (lastSeq) => this.joinLive(socket, tenantId, runId, lastSeq)).subscribe({
      next: (event) => {
        follow.lastSeq = event.seq;
        this.emit(socket, event);
        this.boundBuffer(socket);
      },
      error: (error: unknown) => {
        if (follows.get(runId) === follow) follows.delete(runId);
        this.logger.warn(`Stream of run ${runId} to socket ${socket.id} failed: ${String(error)}`);
      },
    });
  }

  /** Ends the socket's subscription to the run, if it has one, and forgets what it got. */
  unfollow(socket: Socket, runId: string): void {
    const follows = this.of(socket);
    follows.get(runId)?.subscription.unsubscribe();
    follows.delete(runId);
  }

  /** Ends every subscription of a socket that went away. */
  drop(socket: Socket): void {
    for (const follow of this.of(socket).values()) follow.subscription.unsubscribe();
    this.bySocket.delete(socket);
  }

  private of(socket: Socket): Map<string, Follow> {
    let follows = this.bySocket.get(socket);
    if (!follows) this.bySocket.set(socket, (follows = new Map()));
    return follows;
  }

  /**
   * Keeps what a socket got of runs whose events have ended for its last runs only (ten times
   * `SOCKET_MAX_SUBSCRIPTIONS`), so that a long-lived socket's memory stays bounded; a run
   * forgotten so is replayed whole if subscribed to again.
   */
  private forgetOldest(follows: Map<string, Follow>): void {
    const limit = 10 * this.config.socket.maxSubscriptions;
    if (follows.size <= limit) return;
    for (const [runId, follow] of follows) {
      if (follows.size <= limit) return;
      if (follow.subscription.closed) follows.delete(runId);
    }
  }

  /** The `seq` of the last event of the run that the socket got. */
  private sentTo(follow: Follow, runId: string): number {
    return follow.inRoom ? (this.broadcasts.get(runId)?.lastSeq ?? follow.lastSeq) : follow.lastSeq;
  }

  /**
   * Puts the socket, which has every event up to `lastSeq`, in the run's room, starting the run's
   * broadcast if it has none. A broadcast at another `seq` is not joined. Behind the socket (it
   * has not brought the socket's last event yet): false, the socket stays on its own stream, which
   * offers it again after the next event. Ahead of it (it has just missed an event): the socket is
   * followed again, and joins the next broadcast when it is level.
   * @returns false when the socket stays on its own stream for now.
   */
  private joinLive(socket: Socket, tenantId: TenantId, runId: string, lastSeq: number): boolean {
    const room = roomOf(runId);
    const follow = this.of(socket).get(runId);
    if (!follow) return true;
    let broadcast = this.broadcasts.get(runId);
    if (broadcast && broadcast.lastSeq < lastSeq) return false;
    if (broadcast && broadcast.lastSeq > lastSeq) {
      this.follow(socket, tenantId, runId, lastSeq);
      return true;
    }
    if (!broadcast) {
      const started: Broadcast = { tenantId, lastSeq, subscription: new Subscription() };
      started.subscription.add(
        this.events.live(runId).subscribe({
          next: (event) => {
            if (event.seq <= started.lastSeq) return;
            if (event.seq > started.lastSeq + 1) return this.refollow(runId);
            started.lastSeq = event.seq;
            this.emit(this.server.local.to(room), event);
            // On every event: walks the room's ids as they are (no copy); a socket dropped meanwhile leaves the set safely.
            for (const id of this.server.sockets.adapter.rooms.get(room) ?? []) {
              const member = this.server.sockets.sockets.get(id);
              if (member) this.boundBuffer(member);
            }
          },
          complete: () => this.endBroadcast(runId),
        }),
      );
      // Cannot happen after a hand-over (the run was executing), but a closed channel means nothing to join.
      if (started.subscription.closed) return true;
      started.subscription.add(this.events.reconnected$.subscribe(() => this.refollow(runId)));
      this.broadcasts.set(runId, (broadcast = started));
    }
    void socket.join(room);
    Object.assign(follow, { lastSeq, inRoom: true, subscription: new Subscription(() => void socket.leave(room)) });
    return true;
  }

  /** The run's live events have ended: its subscribers leave the room, remembering the last event they got. */
  private endBroadcast(runId: string): void {
    const broadcast = this.broadcasts.get(runId);
    broadcast?.subscription.unsubscribe();
    this.broadcasts.delete(runId);
    for (const socket of this.membersOf(runId)) {
      const follow = this.bySocket.get(socket)?.get(runId);
      if (follow?.inRoom) Object.assign(follow, { lastSeq: broadcast?.lastSeq ?? follow.lastSeq, inRoom: false, subscription: Subscription.EMPTY });
      void socket.leave(roomOf(runId));
    }
  }

  /**
   * The broadcast may have missed events: it ends, and every socket of the room is followed again
   * after the last event it got (its replay reads the rest from the store).
   */
  private refollow(runId: string): void {
    const broadcast = this.broadcasts.get(runId);
    if (!broadcast) return;
    this.broadcasts.delete(runId);
    broadcast.subscription.unsubscribe();
    this.logger.warn(`Run ${runId}: its live events may have a gap after ${broadcast.lastSeq}; its subscribers here catch up from the store`);
    for (const socket of this.membersOf(runId)) this.follow(socket, broadcast.tenantId, runId, broadcast.lastSeq);
  }

  /**
   * Disconnects a socket that has more than `SOCKET_MAX_BUFFERED_BYTES` queued (it does not read
   * what it is sent): what the server holds for one client stays bounded. Its client may
   * reconnect and resume with `afterSeq`.
   */
  private boundBuffer(socket: Socket): void {
    const queued = queuedBytes(socket);
    if (queued <= this.config.socket.maxBufferedBytes || !socket.connected) return;
    this.logger.warn(`Socket ${socket.id}: disconnected, ${queued} bytes queued for it (SOCKET_MAX_BUFFERED_BYTES ${this.config.socket.maxBufferedBytes}); it does not read`);
    this.drop(socket);
    socket.disconnect(true);
    // The close handshake would wait for a client that does not read: drop the connection now.
    transportSocketOf(socket)?.terminate?.();
  }

  /** This node's sockets in the run's room. */
  private membersOf(runId: string): Socket[] {
    const ids = [...(this.server.sockets.adapter.rooms.get(roomOf(runId)) ?? [])];
    return ids.map((id) => this.server.sockets.sockets.get(id)).filter((socket): socket is Socket => socket !== undefined);
  }

  private emit(target: { emit(event: string, ...args: unknown[]): unknown }, event: OrchestrationEvent): void {
    target.emit('run:event', event);
    instruments().deliveryLag.recordMs(Date.now() - Date.parse(event.timestamp));
  }
}
