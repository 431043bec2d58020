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
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Server, Socket } from 'socket.io';
import { ERROR_CODES, ErrorCode, FieldError } from '@app/contracts';
import { TenantResolver } from '../auth/tenant-resolver';
import { isCodedError } from '../common/domain-error';
import { validateDto } from '../common/validate-dto';
import { AppConfig } from '../config/app-config';
import { instruments } from '../telemetry/instruments';
import type { TenantId } from '../persistence/run.repository';
import { RunRefDto, StartRunDto, SubscribeDto } from '../runs/dto/start-run.dto';
import { RunsService } from '../runs/runs.service';
import { RunSubscriptions } from './run-subscriptions.service';

/** A socket acknowledgement: `{ ok: true, … }` or `{ ok: false, error }`. */
export type SocketAck = ({ ok: true } & Record<string, unknown>) | { ok: false; error: { code: ErrorCode; message: string; details?: FieldError[] } };

type AckFn = ((answer: SocketAck) => void) | undefined;

interface SocketState {
  tenantId: TenantId;
}

/**
 * The Socket.IO API: `run:start`, `run:subscribe`, `run:unsubscribe`, `run:cancel`, each with an
 * acknowledgement; events reach subscribers as `run:event`, the stored ones after `afterSeq`
 * first (`RunSubscriptions` delivers them). Authenticates the handshake; a bad payload gets an
 * error ack and never throws or disconnects.
 */
@WebSocketGateway()
export class RunsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(RunsGateway.name);
  /** `SOCKET_MESSAGES_PER_SECOND` per socket, by socket id. */
  private readonly messages: RateLimiterMemory;

  constructor(
    private readonly runs: RunsService,
    private readonly subscriptions: RunSubscriptions,
    private readonly tenants: TenantResolver,
    private readonly config: AppConfig,
  ) {
    this.messages = new RateLimiterMemory({ points: config.socket.messagesPerSecond, duration: 1 });
  }

  afterInit(server: Server): void {
    this.subscriptions.attach(server);
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token;
      const tenantId = this.tenants.resolve(typeof token === 'string' ? token : undefined);
      if (!tenantId) return next(Object.assign(new Error('A valid token is required'), { data: { code: 'UNAUTHORIZED' } }));
      (socket.data as SocketState).tenantId = tenantId;
      next();
    });
  }

  handleConnection(): void {
    instruments().sockets.add(1);
  }

  handleDisconnect(socket: Socket): void {
    instruments().sockets.add(-1);
    this.subscriptions.drop(socket);
    void this.messages.delete(socket.id);
  }

  @SubscribeMessage('run:start')
  async start(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, async () => {
      const input = await validateDto(StartRunDto, payload);
      // The socket follows the run it starts: refused before the run exists.
      this.subscriptions.assertCanFollow(socket, '');
      const started = await this.runs.start(this.state(socket).tenantId, input);
      return { answer: { ok: true as const, runId: started.runId, campaignId: started.campaignId }, afterAck: () => this.subscriptions.follow(socket, this.state(socket).tenantId, started.runId, 0) };
    });
  }

  @SubscribeMessage('run:subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, async () => {
      const { runId, afterSeq = 0 } = await validateDto(SubscribeDto, payload);
      this.subscriptions.assertCanFollow(socket, runId);
      const run = await this.runs.get(this.state(socket).tenantId, runId);
      const { versions: _versions, auditReports: _reports, artifacts: _artifacts, ...summary } = run;
      return { answer: { ok: true as const, run: summary }, afterAck: () => this.subscriptions.follow(socket, this.state(socket).tenantId, runId, afterSeq) };
    });
  }

  @SubscribeMessage('run:unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, async () => {
      const { runId } = await validateDto(RunRefDto, payload);
      // Idempotent, as the contract has it: a run the socket does not follow (or that does not exist) is not followed afterwards either.
      this.subscriptions.unfollow(socket, runId);
      return { answer: { ok: true as const } };
    });
  }

  @SubscribeMessage('run:cancel')
  async cancel(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, async () => {
      const { runId } = await validateDto(RunRefDto, payload);
      const { status } = await this.runs.cancel(this.state(socket).tenantId, runId);
      return { answer: { ok: true as const, status } };
    });
  }

  /** Runs `work` and acknowledges its answer or its error; never throws. Over the socket's message rate, `work` does not run. */
  private async answer(socket: Socket, ack: AckFn, payload: unknown, work: () => Promise<{ answer: SocketAck; afterAck?: () => void }>): Promise<void> {
    const reply = (answer: SocketAck) => (typeof ack === 'function' ? ack(answer) : undefined);
    try {
      await this.messages.consume(socket.id);
    } catch (limited) {
      const retryAfterMs = limited instanceof RateLimiterRes ? limited.msBeforeNext : 1000;
      reply({ ok: false, error: { code: 'RATE_LIMITED', message: `A socket may send ${this.config.socket.messagesPerSecond} messages a second; retry in ${retryAfterMs} ms` } });
      return;
    }
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
