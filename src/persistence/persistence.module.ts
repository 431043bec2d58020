import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { CosmosRunRepository } from './adapters/cosmos/cosmos-run.repository';
import { SqliteRunRepository } from './adapters/sqlite-run.repository';
import { traceRepository } from '../telemetry/traced';
import { RunRepository } from './run.repository';

/** Binds the `RunRepository` port to the configured store (Cosmos DB when COSMOS_ENDPOINT is set, else embedded SQLite) and closes it last on shutdown. */
@Global()
@Module({
  providers: [
    {
      provide: RunRepository,
      inject: [AppConfig],
      // Every store operation is traced and measured, declared here once.
      useFactory: async (config: AppConfig): Promise<RunRepository> =>
        traceRepository(config.store.cosmos ? await CosmosRunRepository.connect(config.store.cosmos) : new SqliteRunRepository(join(config.store.dataDir, 'orchestrator.db'))),
    },
  ],
  exports: [RunRepository],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(RunRepository) private readonly repository: RunRepository) {}

  async onApplicationShutdown(): Promise<void> {
    await this.repository.close();
  }
}
