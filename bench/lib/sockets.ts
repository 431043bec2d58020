import { io, type Socket } from 'socket.io-client';
import { within } from './stats';

/** One Socket.IO client on its own connection, websocket transport, no reconnection. */
export function connectOne(url: string, timeoutMs = 10_000): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
  return new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** `count` clients, connected `batch` at a time; bounded by `timeoutMs` overall. */
export async function connectMany(url: string, count: number, timeoutMs = 60_000, batch = 50): Promise<Socket[]> {
  const sockets: Socket[] = [];
  try {
    await within(
      timeoutMs,
      `connecting ${count} clients`,
      (async () => {
        for (let i = 0; i < count; i += batch) {
          sockets.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => connectOne(url)))));
        }
      })(),
    );
    return sockets;
  } catch (error) {
    closeAll(sockets);
    throw error;
  }
}

export function closeAll(sockets: Socket[]): void {
  for (const socket of sockets) {
    socket.removeAllListeners();
    socket.close();
  }
  sockets.length = 0;
}

/** A `run:start` payload: a new campaign whose brief carries `tag` (it reaches the LLM prompt). */
export function runPayload(tag: string, brief?: Record<string, unknown>, selectedPlatforms: string[] = ['x', 'linkedin']) {
  return {
    campaign: {
      name: `Bench ${tag}`,
      brief: brief ?? {
        objective: `Drive sign-ups for the spring launch (${tag})`,
        targetAudience: 'Commuters who buy coffee on the way to work',
        productDetails: 'The Loop Cup keeps coffee hot for six hours and fits every car cup holder.',
      },
    },
    selectedPlatforms,
  };
}

export const TERMINAL = new Set(['Completed', 'PartiallyCompleted', 'Failed', 'Cancelled']);

/** Emits with an acknowledgement, bounded. */
export function ask<T = any>(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}
