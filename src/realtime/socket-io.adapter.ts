import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { AppConfig } from '../config/app-config';

/**
 * Socket.IO with the server's limits. The transport's own buffer limit is set well above the
 * configured message limit: socket.io disconnects a client whose packet exceeds it, while the
 * gateway answers an oversized message with a PAYLOAD_TOO_LARGE acknowledgement and keeps the
 * connection.
 */
export class ConfiguredIoAdapter extends IoAdapter {
  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const { maxMessageBytes } = this.app.get(AppConfig).socket;
    return super.createIOServer(port, { ...options, maxHttpBufferSize: Math.max(1_000_000, maxMessageBytes * 10), serveClient: true });
  }

  /**
   * One plain listener per message and socket. Nest's own binding builds an RxJS pipeline
   * (fromEvent, mergeMap, takeUntil, a subscription) per message and socket, which held about 4 KiB
   * per message on every connected socket: with the eleven messages of the API, 29 KiB more per
   * client than with four (bench s5). Socket.IO drops the listeners with the socket.
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        // As rxjs fromEvent hands them on: one argument as it is, several as an array.
        const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
        transform(callback(data, ack)).subscribe((response) => {
          if (response === undefined || response === null) return;
          const { event, data: payload } = response as { event?: string; data?: unknown };
          if (event) socket.emit(event, payload);
          else if (!isAckHandledManually && typeof ack === 'function') ack(response);
        });
      });
    }
  }
}
