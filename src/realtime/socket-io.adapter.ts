import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
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
}
