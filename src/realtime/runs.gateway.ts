import { Logger } from '@nestjs/common';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { Subscription } from 'rxjs';
import type { Server, Socket } from 'socket.io';
import { ERROR_CODES, ErrorCode, FieldError, OrchestrationEvent } from '@app/contracts';
import { TenantResolver } from '../auth/tenant-resolver';
import { isCodedError } from '../common/domain-error';
import { validateDto } from '../common/validate-dto';
import { AppConfig } from '../config/app-config';
import { instruments } from '../telemetry/instruments';
import type { TenantId } from '../persistence/run.repository';
import { RunRefDto, StartRunDto, SubscribeDto } from '../runs/dto/start-run.dto';
import { RunEventsService } from '../runs/run-events.service';
import { RunsService } from '../runs/runs.service';

/** A socket acknowledgement: `{ ok: true, … }` or `{ ok: false, error }`. */
export type SocketAck = ({ ok: true } & Record<string, unknown>) | { ok: false; error: { code: ErrorCode; message: string; details?: FieldError[] } };

type AckFn = ((answer: SocketAck) => void) | undefined;

interface SocketState {
  tenantId: TenantId;
  subscriptions: Map<string, Subscription>;
}

/** The Socket.IO room of a run's live events. */
const roomOf = (runId: string) => `run:${runId}`;

/**
 * The Socket.IO API: `run:start`, `run:subscribe`, `run:unsubscribe`, `run:cancel`, each with an
 * acknowledgement; events reach subscribers as `run:event`, the stored ones after `afterSeq`
 * first. A subscriber gets its replay on its own, then joins the run's room: each live event is
 * encoded once and written to every subscriber (ADR 0009). Authenticates the handshake; a bad
 * payload gets an error ack and never throws or disconnects.
 */
@WebSocketGateway()
export class RunsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(RunsGateway.name);
  /** One broadcast of live events per run with subscribers in its room. */
  private readonly broadcasts = new Map<string, Subscription>();
  private server!: Server;

  constructor(
    private readonly runs: RunsService,
    private readonly events: RunEventsService,
    private readonly tenants: TenantResolver,
    private readonly config: AppConfig,
  ) {}

  afterInit(server: Server): void {
    this.server = server;
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token;
      const tenantId = this.tenants.resolve(typeof token === 'string' ? token : undefined);
      if (!tenantId) return next(Object.assign(new Error('A valid token is required'), { data: { code: 'UNAUTHORIZED' } }));
      (socket.data as SocketState).tenantId = tenantId;
      (socket.data as SocketState).subscriptions = new Map();
      next();
    });
  }

  handleConnection(socket: Socket): void {
    socket.data.subscriptions ??= new Map();
    instruments().sockets.add(1);
  }

  handleDisconnect(socket: Socket): void {
    instruments().sockets.add(-1);
    for (const subscription of this.state(socket).subscriptions.values()) subscription.unsubscribe();
    this.state(socket).subscriptions.clear();
  }

  @SubscribeMessage('run:start')
  async start(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(ack, payload, async () => {
      const started = await this.runs.start(this.state(socket).tenantId, validateDto(StartRunDto, payload));
      return { answer: { ok: true as const, runId: started.runId, campaignId: started.campaignId }, afterAck: () => this.follow(socket, started.runId, 0) };
    });
  }

  @SubscribeMessage('run:subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(ack, payload, async () => {
      const { runId, afterSeq = 0 } = validateDto(SubscribeDto, payload);
      const run = await this.runs.get(this.state(socket).tenantId, runId);
      const { versions: _versions, auditReports: _reports, artifacts: _artifacts, ...summary } = run;
      return { answer: { ok: true as const, run: summary }, afterAck: () => this.follow(socket, runId, afterSeq) };
    });
  }

  @SubscribeMessage('run:unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(ack, payload, async () => {
      const { runId } = validateDto(RunRefDto, payload);
      await this.runs.get(this.state(socket).tenantId, runId);
      this.state(socket).subscriptions.get(runId)?.unsubscribe();
      this.state(socket).subscriptions.delete(runId);
      return { answer: { ok: true as const } };
    });
  }

  @SubscribeMessage('run:cancel')
  async cancel(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(ack, payload, async () => {
      const { runId } = validateDto(RunRefDto, payload);
      const { status } = await this.runs.cancel(this.state(socket).tenantId, runId);
      return { answer: { ok: true as const, status } };
    });
  }

  /**
   * Streams the run's events after `afterSeq` to the socket (replacing an earlier subscription to
   * it): the replay on its own, then the live events through the run's room.
   */
  private follow(socket: Socket, runId: string, afterSeq: number): void {
    const { subscriptions, tenantId } = this.state(socket);
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
    this.state(socket).subscriptions.set(runId, new Subscription(() => void socket.leave(room)));
  }

  /** The run's live events have ended: its subscribers leave the room. */
  private endBroadcast(runId: string): void {
    this.broadcasts.delete(runId);
    const room = roomOf(runId);
    for (const id of this.server.sockets.adapter.rooms.get(room) ?? []) {
      const socket = this.server.sockets.sockets.get(id);
      if (!socket) continue;
      this.state(socket).subscriptions.delete(runId);
      void socket.leave(room);
    }
  }

  private emit(target: { emit(event: string, ...args: unknown[]): unknown }, event: OrchestrationEvent): void {
    target.emit('run:event', event);
    instruments().deliveryLag.record(Date.now() - Date.parse(event.timestamp));
  }

  /** Runs `work` and acknowledges its answer or its error; never throws. */
  private async answer(ack: AckFn, payload: unknown, work: () => Promise<{ answer: SocketAck; afterAck?: () => void }>): Promise<void> {
    const reply = (answer: SocketAck) => (typeof ack === 'function' ? ack(answer) : undefined);
    try {
      if (this.sizeOf(payload) > this.config.socket.maxMessageBytes) {
        reply({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: `Messages are limited to ${this.config.socket.maxMessageBytes} bytes` } });
        return;
      }
      const { answer, afterAck } = await work();
      reply(answer);
      afterAck?.();
    } catch (error) {
      if (!isCodedError(error, ERROR_CODES)) this.logger.error('Socket handler failed', error instanceof Error ? error.stack : String(error));
      const coded = isCodedError(error, ERROR_CODES);
      reply({
        ok: false,
        error: {
          code: coded ? error.code : 'INTERNAL_ERROR',
          message: coded ? error.message : 'An unexpected error occurred',
          ...(coded && error.errors ? { details: error.errors } : {}),
        },
      });
    }
  }

  private sizeOf(payload: unknown): number {
    try {
      return Buffer.byteLength(JSON.stringify(payload) ?? '');
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  private state(socket: Socket): SocketState {
    return socket.data as SocketState;
  }
}
