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
import { Campaign, ERROR_CODES, ErrorCode, FieldError } from '@app/contracts';
import type { Access, Principal } from '../auth/principal';
import { TenantResolver } from '../auth/tenant-resolver';
import { isCodedError, RetryLaterError } from '../common/domain-error';
import { validateDto } from '../common/validate-dto';
import { AppConfig } from '../config/app-config';
import { instruments } from '../telemetry/instruments';
import type { TenantId } from '../persistence/run.repository';
import { RunRefDto, StartRunDto, SubscribeDto } from '../runs/dto/start-run.dto';
import { CampaignEditingService, EditGuard } from '../runs/campaign-editing.service';
import { ActivateMessageDto, ApproveMessageDto, CampaignRefDto, EditMessageDto, RegenerateMessageDto, VersionMessageDto, VersionsMessageDto } from '../runs/dto/campaign-edit.dto';
import { RunsService } from '../runs/runs.service';
import { RunSubscriptions } from './run-subscriptions.service';
import { expireSessionAt } from './session-expiry';

/** A socket acknowledgement: `{ ok: true, … }` or `{ ok: false, error }`. */
export type SocketAck = ({ ok: true } & Record<string, unknown>) | { ok: false; error: { code: ErrorCode; message: string; details?: FieldError[]; retryAfterSeconds?: number } };

type AckFn = ((answer: SocketAck) => void) | undefined;

interface SocketState {
  tenantId: TenantId;
  principal: Principal;
}

/** A refused handshake: the client's `connect_error`, with the code in `data`. */
function refusal(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * The Socket.IO API: `run:start`, `run:subscribe`, `run:unsubscribe`, `run:cancel`, each with an
 * acknowledgement; events reach subscribers as `run:event`, the stored ones after `afterSeq`
 * first (`RunSubscriptions` delivers them). Authenticates the handshake (as REST does:
 * `TenantResolver`), checks the read or write right of each message, and disconnects a socket when
 * its token expires, after a `session:expired` event. A bad payload gets an error ack and never
 * throws or disconnects.
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
    private readonly editing: CampaignEditingService,
  ) {
    this.messages = new RateLimiterMemory({ points: config.socket.messagesPerSecond, duration: 1 });
  }

  afterInit(server: Server): void {
    this.subscriptions.attach(server);
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token;
      this.tenants.authenticate(typeof token === 'string' ? token : undefined).then(
        (principal) => {
          if (!principal) return next(refusal('UNAUTHORIZED', 'A valid token is required'));
          const state: SocketState = { tenantId: principal.tenantId, principal };
          Object.assign(socket.data, state);
          next();
        },
        (error: unknown) => {
          if (isCodedError(error, ERROR_CODES)) return next(refusal(error.code, error.message));
          this.logger.error('Handshake authentication failed', error instanceof Error ? error.stack : String(error));
          next(refusal('INTERNAL_ERROR', 'The token could not be checked'));
        },
      );
    });
  }

  handleConnection(socket: Socket): void {
    instruments().sockets.add(1);
    const { expiresAt } = this.state(socket).principal;
    if (expiresAt !== undefined) expireSessionAt(socket, expiresAt);
  }

  handleDisconnect(socket: Socket): void {
    instruments().sockets.add(-1);
    this.subscriptions.drop(socket);
    void this.messages.delete(socket.id);
  }

  @SubscribeMessage('run:start')
  async start(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, 'write', async () => {
      const input = await validateDto(StartRunDto, payload);
      // The socket follows the run it starts: refused before the run exists.
      this.subscriptions.assertCanFollow(socket, '');
      const { idempotencyKey, ...request } = input;
      const started = await this.runs.start(this.state(socket).tenantId, request, { idempotencyKey, requestedBy: this.state(socket).principal.subject });
      return { answer: { ok: true as const, runId: started.runId, campaignId: started.campaignId, ...(started.replayed ? { replayed: true } : {}) }, afterAck: () => this.subscriptions.follow(socket, this.state(socket).tenantId, started.runId, 0) };
    });
  }

  @SubscribeMessage('run:subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, 'read', async () => {
      const { runId, afterSeq = 0 } = await validateDto(SubscribeDto, payload);
      this.subscriptions.assertCanFollow(socket, runId);
      const run = await this.runs.get(this.state(socket).tenantId, runId);
      const { versions: _versions, auditReports: _reports, artifacts: _artifacts, ...summary } = run;
      return { answer: { ok: true as const, run: summary }, afterAck: () => this.subscriptions.follow(socket, this.state(socket).tenantId, runId, afterSeq) };
    });
  }

  @SubscribeMessage('run:unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, 'read', async () => {
      const { runId } = await validateDto(RunRefDto, payload);
      // Idempotent, as the contract has it: a run the socket does not follow (or that does not exist) is not followed afterwards either.
      this.subscriptions.unfollow(socket, runId);
      return { answer: { ok: true as const } };
    });
  }

  @SubscribeMessage('run:cancel')
  async cancel(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, 'write', async () => {
      const { runId } = await validateDto(RunRefDto, payload);
      const { status } = await this.runs.cancel(this.state(socket).tenantId, runId);
      return { answer: { ok: true as const, status } };
    });
  }

  /** Regenerates one artifact with an editor's instructions; the socket follows the run, as with run:start. */
  @SubscribeMessage('run:regenerate')
  async regenerate(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, 'write', async () => {
      const { campaignId, artifactType, idempotencyKey, ...input } = await validateDto(RegenerateMessageDto, payload);
      this.subscriptions.assertCanFollow(socket, '');
      const { tenantId, principal } = this.state(socket);
      const started = await this.runs.regenerate(tenantId, campaignId, artifactType, input, { idempotencyKey, requestedBy: principal.subject });
      return { answer: { ok: true as const, runId: started.runId, campaignId: started.campaignId, ...(started.replayed ? { replayed: true } : {}) }, afterAck: () => this.subscriptions.follow(socket, tenantId, started.runId, 0) };
    });
  }

  @SubscribeMessage('campaign:versions')
  async versions(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, 'read', async () => {
      const { campaignId, artifactType, pageSize, continuationToken } = await validateDto(VersionsMessageDto, payload);
      return { answer: { ok: true as const, page: await this.editing.versions(this.state(socket).tenantId, campaignId, artifactType, pageSize, continuationToken) } };
    });
  }

  @SubscribeMessage('campaign:version')
  async version(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.answer(socket, ack, payload, 'read', async () => {
      const { campaignId, artifactType, versionNumber } = await validateDto(VersionMessageDto, payload);
      return { answer: { ok: true as const, version: await this.editing.version(this.state(socket).tenantId, campaignId, artifactType, versionNumber) } };
    });
  }

  @SubscribeMessage('campaign:activate')
  async activate(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.edit(socket, ack, payload, ActivateMessageDto, (tenantId, { campaignId, artifactType, versionNumber }, guard) => this.editing.activate(tenantId, campaignId, artifactType, versionNumber, guard));
  }

  @SubscribeMessage('campaign:approve')
  async approve(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.edit(socket, ack, payload, ApproveMessageDto, (tenantId, { campaignId, override }, guard) => this.editing.approve(tenantId, campaignId, override, guard));
  }

  @SubscribeMessage('campaign:edit')
  async editCampaign(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.edit(socket, ack, payload, EditMessageDto, (tenantId, { campaignId, name, brief }, guard) => this.editing.edit(tenantId, campaignId, { name, brief }, guard));
  }

  @SubscribeMessage('campaign:delete')
  async deleteCampaign(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack: AckFn): Promise<void> {
    await this.edit(socket, ack, payload, CampaignRefDto, async (tenantId, { campaignId }, guard) => {
      await this.editing.delete(tenantId, campaignId, guard);
      return undefined;
    });
  }

  /** A change of a campaign: the payload's `etag` is the If-Match; the ack carries the campaign after it (`{ ok }` for a delete). */
  private async edit<T extends { etag: string }>(socket: Socket, ack: AckFn, payload: unknown, dto: new () => T, change: (tenantId: TenantId, input: T, guard: EditGuard) => Promise<Campaign | undefined>): Promise<void> {
    await this.answer(socket, ack, payload, 'write', async () => {
      const input = await validateDto(dto, payload);
      const { tenantId, principal } = this.state(socket);
      const campaign = await change(tenantId, input, { by: principal.subject, ifMatch: input.etag });
      return { answer: { ok: true as const, ...(campaign ? { campaign } : {}) } };
    });
  }

  /**
   * Runs `work` and acknowledges its answer or its error; never throws. Over the socket's message
   * rate, or without the `access` right (`FORBIDDEN`), `work` does not run.
   */
  private async answer(socket: Socket, ack: AckFn, payload: unknown, access: Access, work: () => Promise<{ answer: SocketAck; afterAck?: () => void }>): Promise<void> {
    const reply = (answer: SocketAck) => (typeof ack === 'function' ? ack(answer) : undefined);
    try {
      await this.messages.consume(socket.id);
    } catch (limited) {
      const retryAfterMs = limited instanceof RateLimiterRes ? limited.msBeforeNext : 1000;
      reply({ ok: false, error: { code: 'RATE_LIMITED', message: `A socket may send ${this.config.socket.messagesPerSecond} messages a second; retry in ${retryAfterMs} ms`, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } });
      return;
    }
    try {
      if (this.sizeOf(payload) > this.config.socket.maxMessageBytes) {
        reply({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: `Messages are limited to ${this.config.socket.maxMessageBytes} bytes` } });
        return;
      }
      this.tenants.authorize(this.state(socket).principal, access);
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
          ...(error instanceof RetryLaterError ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
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
