import { io, type Socket } from 'socket.io-client';
import { isTerminalState, SESSION_EXPIRED_EVENT, type FieldError, type OrchestrationEvent, type OrchestrationRun } from '@app/contracts';
import { AsyncApiMessages } from './asyncapi-messages';

/** The messages a client sends; each takes an acknowledgement. */
export type ClientMessage = 'run:start' | 'run:subscribe' | 'run:unsubscribe' | 'run:cancel' | 'run:regenerate' | 'campaign:versions' | 'campaign:version' | 'campaign:activate' | 'campaign:approve' | 'campaign:edit' | 'campaign:delete';

/** An error acknowledgement. */
export interface AckError {
  ok: false;
  error: { code: string; message: string; details?: FieldError[] };
}

/** A socket acknowledgement: `{ ok: true, …T }` or an error. */
export type Ack<T extends object = Record<string, unknown>> = ({ ok: true } & T) | AckError;

/** Acknowledgement of `run:start`. */
export type StartAck = Ack<{ runId: string; campaignId: string }>;
/** Acknowledgement of `run:subscribe`: the run's summary. */
export type SubscribeAck = Ack<{ run: OrchestrationRun }>;

const ACK_TIMEOUT_MS = 5000;
const WAIT_TIMEOUT_MS = 15_000;

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A Socket.IO client of the run API over the websocket transport: typed acknowledged messages,
 * and every `run:event` it receives, in arrival order, with ways to wait for them. Every
 * acknowledgement and every message the server sends is checked against docs/asyncapi.yaml: one
 * the document does not describe fails the `send` that got it, or (an event) every wait from then
 * on and the `close`.
 */
export class RunSocket {
  /** Every `run:event` received, in arrival order (all runs). */
  readonly received: OrchestrationEvent[] = [];
  private waiters: Waiter[] = [];
  /** What the server sent that docs/asyncapi.yaml does not describe. */
  private readonly undocumented: string[] = [];

  constructor(
    readonly socket: Socket,
    private readonly contract: AsyncApiMessages,
  ) {
    socket.on('run:event', (event: OrchestrationEvent) => {
      this.received.push(event);
      this.checkSent('run:event', event);
      const ready = this.waiters.filter((w) => w.ready());
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      ready.forEach((w) => w.resolve());
    });
    socket.on(SESSION_EXPIRED_EVENT, (payload: unknown) => this.checkSent(SESSION_EXPIRED_EVENT, payload));
  }

  private checkSent(name: string, payload: unknown): void {
    const problems = this.contract.checkSent(name, payload);
    if (problems.length === 0) return;
    this.undocumented.push(`${name} ${JSON.stringify(payload).slice(0, 300)}: not as docs/asyncapi.yaml describes it:\n  ${problems.join('\n  ')}`);
    const error = this.failure()!;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
  }

  /** The error of what the server sent undocumented, if it did. */
  private failure(): Error | undefined {
    return this.undocumented.length > 0 ? new Error(this.undocumented.join('\n')) : undefined;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /**
   * Sends `message` with `payload` and resolves with its acknowledgement (rejects after 5 s without
   * one, or when the acknowledgement is not one docs/asyncapi.yaml describes for `message`).
   */
  async send<T extends object = Record<string, unknown>>(message: ClientMessage, ...payload: unknown[]): Promise<Ack<T>> {
    const ack: unknown = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(message, ...payload);
    const problems = this.contract.checkAck(message, ack);
    if (problems.length > 0) throw new Error(`${message} ${JSON.stringify(payload).slice(0, 200)}: the acknowledgement ${JSON.stringify(ack).slice(0, 500)} is not as docs/asyncapi.yaml describes it:\n  ${problems.join('\n  ')}`);
    const failure = this.failure();
    if (failure) throw failure;
    return ack as Ack<T>;
  }

  start(payload: unknown): Promise<StartAck> {
    return this.send('run:start', payload);
  }

  /** `run:start` that must succeed; resolves with the run and campaign ids. */
  async startOk(payload: unknown): Promise<{ runId: string; campaignId: string }> {
    const ack = await this.start(payload);
    if (!ack.ok) throw new Error(`run:start failed: ${JSON.stringify(ack.error)}`);
    return { runId: ack.runId, campaignId: ack.campaignId };
  }

  subscribe(runId: string, afterSeq?: number): Promise<SubscribeAck> {
    return this.send('run:subscribe', afterSeq === undefined ? { runId } : { runId, afterSeq });
  }

  unsubscribe(runId: string): Promise<Ack> {
    return this.send('run:unsubscribe', { runId });
  }

  cancel(runId: string): Promise<Ack<{ status: string }>> {
    return this.send('run:cancel', { runId });
  }

  /** The events received for `runId`, in arrival order. */
  eventsOf(runId: string): OrchestrationEvent[] {
    return this.received.filter((e) => e.runId === runId);
  }

  /** Resolves with the first received event matching `match` (already received or future). */
  async waitFor(match: (event: OrchestrationEvent) => boolean, what = 'a matching event', timeoutMs = WAIT_TIMEOUT_MS): Promise<OrchestrationEvent> {
    await this.until(() => this.received.some(match), what, timeoutMs);
    return this.received.find(match)!;
  }

  /** Resolves with the events of `runId` once its terminal event has arrived. */
  async untilTerminal(runId: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<OrchestrationEvent[]> {
    await this.waitFor((e) => e.runId === runId && isTerminalState(e.state), `the terminal event of run ${runId}`, timeoutMs);
    return this.eventsOf(runId);
  }

  /** Resolves once `ready()` holds, re-checked on every received event. */
  until(ready: () => boolean, what: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<void> {
    const failure = this.failure();
    if (failure) return Promise.reject(failure);
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`RunSocket: no ${what} within ${timeoutMs} ms (received ${this.received.length} events)`));
      }, timeoutMs);
      const waiter: Waiter = {
        ready,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Disconnects; throws when the server sent something docs/asyncapi.yaml does not describe. */
  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
    const failure = this.failure();
    if (failure) throw failure;
  }
}

function socketOptions(token: string | undefined) {
  return { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000, ...(token === undefined ? {} : { auth: { token } }) };
}

/** Connects to `baseUrl` (websocket transport only, no reconnection); rejects on `connect_error`. */
export async function connectClient(baseUrl: string, token?: string): Promise<RunSocket> {
  const contract = await AsyncApiMessages.load();
  const socket = io(baseUrl, socketOptions(token));
  return new Promise<RunSocket>((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('connect_error');
      resolve(new RunSocket(socket, contract));
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
  });
}

/** Tries a handshake that must be refused; resolves with the `connect_error` (rejects if it connects). */
export function refusedHandshake(baseUrl: string, auth?: Record<string, unknown>): Promise<Error & { data?: { code?: string } }> {
  const socket = io(baseUrl, { ...socketOptions(undefined), ...(auth ? { auth } : {}) });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('The handshake was accepted'));
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve(error);
    });
  });
}
