import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';
import type { CosmosSettings } from '../../src/config/app-config';

/**
 * An in-process server of the Cosmos DB REST protocol (`@vercel/cosmosdb-server`) on plain HTTP at
 * 127.0.0.1. What it does not do like real Cosmos DB: its transactional batch is not atomic (each
 * operation stands alone), TTL and the change feed do nothing, and it enforces neither the 2 MB
 * item limit nor the id character rules.
 */
export class CosmosTestServer {
  private server?: Server;
  private databases = 0;

  async start(): Promise<void> {
    this.server = createHttpServer();
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Settings for a fresh, empty database on this server. */
  settings(overrides: Partial<CosmosSettings> = {}): CosmosSettings {
    return {
      endpoint: this.endpoint,
      key: 'test-key',
      database: `db-${process.pid}-${++this.databases}`,
      container: 'campaigns',
      eventsContainer: 'run-events',
      eventsTtlSeconds: 3600,
      maxRetries: 2,
      maxRetryWaitSeconds: 2,
      ...overrides,
    };
  }
}
