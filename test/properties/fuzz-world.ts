import { io } from 'socket.io-client';
import { ACTIVE_RUN_STATUSES } from '@app/contracts';
import { eventually, runInput, startApp, type E2eApp } from '../support/e2e-app';
import type { RunSocket } from '../support/e2e-socket';
import type { KnownRecords } from './http.arbitraries';
import { ProcessWatch } from './process-watch';
import { closeConnections, send, type RawAnswer, type RawRequest } from './raw-http';
import { assertSafeAck, assertSafeAnswer } from './safe-answers';
import { isHandled, type CrossTenantMessage, type EmittedMessage } from './socket.arbitraries';

const TOKEN_A = 'fuzz-tenant-a-0123456789abcdef';
const TOKEN_B = 'fuzz-tenant-b-0123456789abcdef';
/** How long an acknowledgement may take before it counts as missing. */
const ACK_TIMEOUT_MS = 5000;

/** A run some input started, and the `Authorization` that started it (to cancel it as its tenant). */
interface StartedRun {
  runId: string;
  authorization: string;
}

/**
 * One app (offline model, two tenants, socket message and tenant start rates high enough that
 * validation rather than a limiter answers) with records of both tenants, and the checks every
 * generated input goes through: the answer is safe, nothing went wrong in the process meanwhile,
 * and every run an input started is cancelled at once so that the server is never flooded.
 */
export class FuzzWorld {
  readonly watch = new ProcessWatch();
  readonly started: StartedRun[] = [];
  readonly known: KnownRecords = { tokenA: TOKEN_A, tokenB: TOKEN_B, runIds: [], campaignIds: [], continuationTokens: [] };
  /** Disconnects of the fuzzed sockets, with their reasons: a bad payload must never disconnect. */
  readonly disconnects: string[] = [];
  private app!: E2eApp;
  private sockets: Partial<Record<'a' | 'b', RunSocket>> = {};

  get baseUrl(): string {
    return this.app.baseUrl;
  }

  async start(): Promise<void> {
    this.watch.start();
    this.app = await startApp(
      { AUTH_TOKENS: `${TOKEN_A}:acme,${TOKEN_B}:globex`, LOG_LEVEL: 'warn', SOCKET_MESSAGES_PER_SECOND: '1000000', TENANT_RUN_STARTS_PER_MINUTE: '1000000' },
      { token: TOKEN_A, logDestination: this.watch.logs },
    );
    const records = await Promise.all([this.seed(TOKEN_A), this.seed(TOKEN_A), this.seed(TOKEN_B)]);
    this.known.runIds.push(...records.map((r) => r.runId));
    this.known.campaignIds.push(...records.map((r) => r.campaignId));
    const page = await this.app.http('GET', '/api/campaigns?pageSize=1');
    if (page.body?.continuationToken) this.known.continuationTokens.push(page.body.continuationToken);
  }

  /** A campaign of `token`'s tenant with one finished run. */
  private async seed(token: string): Promise<{ runId: string; campaignId: string }> {
    const started = await this.app.http('POST', '/api/runs', { json: runInput(), token });
    if (started.status !== 202) throw new Error(`Seeding a run answered ${started.status}: ${started.text}`);
    await this.untilEnded(started.body.runId, `Bearer ${token}`);
    return started.body;
  }

  /** Sends `raw`, checks its answer, cancels the run it started (if any); throws on an unsafe answer or on trouble in the process. */
  async request(raw: RawRequest): Promise<RawAnswer> {
    return this.watched(async () => {
      const answer = await send(this.baseUrl, raw);
      assertSafeAnswer(answer, { bodyless: raw.method === 'HEAD' });
      const started = answer.json as { runId?: unknown; campaignId?: unknown } | undefined;
      if (answer.status === 202 && typeof started?.runId === 'string' && typeof started.campaignId === 'string') {
        await this.cancelStarted({ runId: started.runId, authorization: raw.headers.authorization ?? '' });
      }
      return answer;
    });
  }

  private async cancelStarted(run: StartedRun): Promise<void> {
    this.started.push(run);
    const answer = await send(this.baseUrl, { method: 'POST', path: `/api/runs/${encodeURIComponent(run.runId)}/cancel`, headers: { authorization: run.authorization } });
    assertSafeAnswer(answer);
    if (answer.status !== 202 && answer.status !== 409) throw new Error(`Cancelling run ${run.runId} it started answered ${answer.status}: ${answer.text}`);
  }

  /** The fuzzed socket of tenant `tenant`, connected again when a previous input disconnected it. */
  async socket(tenant: 'a' | 'b'): Promise<RunSocket> {
    const current = this.sockets[tenant];
    if (current?.connected) return current;
    const client = await this.app.connect(tenant === 'a' ? TOKEN_A : TOKEN_B);
    client.socket.on('disconnect', (reason) => this.disconnects.push(`${tenant}: ${reason}`));
    this.sockets[tenant] = client;
    return client;
  }

  /**
   * Emits `messages` together on tenant `tenant`'s socket; checks each acknowledgement (a missing
   * one after 5 s fails), cancels and leaves the runs they started, and that the socket stayed.
   */
  async emit(tenant: 'a' | 'b', messages: EmittedMessage[]): Promise<void> {
    await this.watched(async () => {
      const client = await this.socket(tenant);
      const disconnectsBefore = this.disconnects.length;
      await Promise.all(messages.map((message) => this.emitOne(client, tenant, message)));
      if (this.disconnects.length > disconnectsBefore || !client.connected) {
        throw new Error(`The server disconnected the socket: ${this.disconnects.slice(disconnectsBefore).join(', ')}`);
      }
    });
  }

  private async emitOne(client: RunSocket, tenant: 'a' | 'b', { event, args, withAck }: EmittedMessage): Promise<void> {
    if (!withAck) {
      client.socket.emit(event, ...args);
      return;
    }
    if (!isHandled(event)) {
      // No handler, so no acknowledgement is due; the callback must simply never break anything.
      client.socket.emit(event, ...args, () => undefined);
      return;
    }
    const ack = await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args).catch(() => {
      throw new Error(`${event}: no acknowledgement within ${ACK_TIMEOUT_MS} ms`);
    });
    assertSafeAck(event, ack);
    const started = event === 'run:start' && ack.ok ? (ack.runId as string) : undefined;
    if (!started) return;
    this.started.push({ runId: started, authorization: `Bearer ${tenant === 'a' ? TOKEN_A : TOKEN_B}` });
    const cancelled = await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('run:cancel', { runId: started });
    assertSafeAck('run:cancel', cancelled);
    assertSafeAck('run:unsubscribe', await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('run:unsubscribe', { runId: started }));
  }

  /** Sends `message` on its tenant's socket; its acknowledgement must be safe and say `expected`. */
  async emitCrossTenant({ tenant, event, payload, expected }: CrossTenantMessage): Promise<void> {
    await this.watched(async () => {
      const client = await this.socket(tenant);
      const ack: { ok: boolean; error?: { code?: string } } = await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
      assertSafeAck(event, ack);
      if (ack.error?.code !== expected) throw new Error(`${event} ${JSON.stringify(payload)} on tenant ${tenant}'s socket: ${JSON.stringify(ack)}, not ${expected}`);
    });
  }

  /** A handshake with `auth`: it connects with either tenant's token (and a message then works), and is refused with UNAUTHORIZED otherwise. */
  async handshake(auth: Record<string, unknown> | undefined): Promise<void> {
    await this.watched(async () => {
      const accepted = auth?.token === TOKEN_A || auth?.token === TOKEN_B;
      const socket = io(this.baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: ACK_TIMEOUT_MS, ...(auth ? { auth } : {}) });
      try {
        const outcome = await new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(`refused ${error.data?.code ?? error.message}`));
        });
        if (outcome !== (accepted ? 'connected' : 'refused UNAUTHORIZED')) throw new Error(`Handshake with ${JSON.stringify(auth)?.slice(0, 200)}: ${outcome}`);
        if (accepted) assertSafeAck('run:subscribe', await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('run:subscribe', { runId: 'no-such-run' }));
      } finally {
        socket.disconnect();
      }
    });
  }

  /** Runs `work`; throws when the process saw an unhandled rejection, an uncaught exception or an error log line meanwhile. */
  async watched<T>(work: () => Promise<T>): Promise<T> {
    const before = this.watch.count;
    const result = await work();
    // Lines logged while the answer was being written arrive on the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.watch.count > before) throw new Error(`The process reported trouble:\n${this.watch.since(before).join('\n').slice(0, 4000)}`);
    return result;
  }

  /** Resolves once the run has ended (status read as `authorization`'s tenant). */
  async untilEnded(runId: string, authorization: string, timeoutMs = 20_000): Promise<void> {
    await eventually(
      async () => {
        const answer = await send(this.baseUrl, { method: 'GET', path: `/api/runs/${encodeURIComponent(runId)}`, headers: { authorization } });
        const status = (answer.json as { status?: string } | undefined)?.status;
        return answer.status === 200 && status && !(ACTIVE_RUN_STATUSES as readonly string[]).includes(status) ? true : undefined;
      },
      `the end of run ${runId}`,
      timeoutMs,
    );
  }

  /** A client of tenant A's for the final checks. */
  connectA(): Promise<RunSocket> {
    return this.app.connect(TOKEN_A);
  }

  async stop(): Promise<void> {
    closeConnections();
    await this.app?.close();
    this.watch.stop();
  }
}
