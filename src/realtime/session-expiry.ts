import type { Socket } from 'socket.io';
import { SESSION_EXPIRED_EVENT, type SessionExpired } from '@app/contracts';

/** setTimeout's longest delay (about 24.8 days); a later expiry is reached in several waits. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * At `expiresAt` (ms since the epoch) tells `socket` that its session expired
 * (`session:expired { code: 'UNAUTHORIZED', message }`) and disconnects it (the client sees
 * `io server disconnect` and does not reconnect by itself: it needs a new token). The timer is
 * cleared when the socket disconnects first.
 */
export function expireSessionAt(socket: Socket, expiresAt: number): void {
  let timer: NodeJS.Timeout | undefined;
  const wait = () => {
    const remaining = expiresAt - Date.now();
    if (remaining > 0) {
      timer = setTimeout(wait, Math.min(remaining, MAX_TIMER_MS));
      timer.unref();
      return;
    }
    const expired: SessionExpired = { code: 'UNAUTHORIZED', message: 'The access token has expired; reconnect with a new one' };
    socket.emit(SESSION_EXPIRED_EVENT, expired);
    socket.disconnect();
  };
  socket.once('disconnect', () => clearTimeout(timer));
  wait();
}
