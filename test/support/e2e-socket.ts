import { io, type Socket } from 'socket.io-client';
import { isTerminalState, type FieldError, type OrchestrationEvent, type OrchestrationRun } from '@app/contracts';

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
}

/**
 * A Socket.IO client of the run API over the websocket transport: typed acknowledged messages,
 * and every `run:event` it receives, in arrival order, with ways to wait for them.
 */
export class RunSocket {
  /** Every `run:event` received, in arrival order (all runs). */
  readonly received: OrchestrationEvent[] = [];
  private waiters: Waiter[] = [];

  constructor(readonly socket: Socket) {
    socket.on('run:event', (event: OrchestrationEvent) => {
      this.received.push(event);
      const ready = this.waiters.filter((w) => w.ready());
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      ready.forEach((w) => w.resolve());
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Sends `message` with `payload` and resolves with its acknowledgement (rejects after 5 s without one). */
  send<T extends object = Record<string, unknown>>(message: ClientMessage, ...payload: unknown[]): Promise<Ack<T>> {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(message, ...payload) as Promise<Ack<T>>;
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
      };
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}

function socketOptions(token: string | undefined) {
  return { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000, ...(token === undefined ? {} : { auth: { token } }) };
}

/** Connects to `baseUrl` (websocket transport only, no reconnection); rejects on `connect_error`. */
export function connectClient(baseUrl: string, token?: string): Promise<RunSocket> {
  const socket = io(baseUrl, socketOptions(token));
  return new Promise<RunSocket>((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('connect_error');
      resolve(new RunSocket(socket));
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
