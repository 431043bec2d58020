import { CosmosRunRepository } from '../../src/persistence/adapters/cosmos/cosmos-run.repository';
import { createCosmosClient } from '../../src/persistence/adapters/cosmos/cosmos-setup';
import { runRepositoryContract } from '../contracts/run-repository.contract';
import { CosmosTestServer } from '../support/cosmos-test-server';

const server = new CosmosTestServer();
beforeAll(() => server.start());
afterAll(() => server.stop());

/** A repository on a fresh database; teardown deletes it. */
async function cosmosHarness() {
  const settings = server.settings();
  const client = createCosmosClient(settings);
  const repo = await CosmosRunRepository.connect(settings, client);
  return {
    repo,
    async teardown() {
      await client.database(settings.database).delete().catch(() => undefined);
      await repo.close();
    },
  };
}

// No fault injection here: this server applies a batch's operations one by one, so it cannot
// show atomicity; cosmos-run.repository.int-spec tests that the end of a run is one batch instead.
runRepositoryContract('Cosmos DB (cosmosdb-server)', cosmosHarness);
