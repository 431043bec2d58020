import { DefaultAzureCredential } from '@azure/identity';
import { Container, CosmosClient, IndexingPolicy } from '@azure/cosmos';
import type { CosmosSettings } from '../../../config/app-config';

/** Indexes the campaign queries need: by type, tenant and creation order, and by run and position. */
const CAMPAIGNS_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [{ path: '/*' }],
  excludedPaths: [{ path: '/content/*' }, { path: '/brief/*' }, { path: '/report/*' }, { path: '/metrics/*' }, { path: '/terminalEvent/*' }, { path: '/"_etag"/?' }],
  compositeIndexes: [
    [{ path: '/type', order: 'ascending' }, { path: '/tenantId', order: 'ascending' }, { path: '/createdSeq', order: 'descending' }],
    [{ path: '/type', order: 'ascending' }, { path: '/runId', order: 'ascending' }, { path: '/position', order: 'ascending' }],
  ],
};

/** Only `seq` is queried in the events container. */
const EVENTS_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [{ path: '/seq/?' }, { path: '/type/?' }],
  excludedPaths: [{ path: '/*' }],
};

/** A client for the account: key or Entra ID, SDK retries of throttled requests set explicitly. */
export function createCosmosClient(settings: CosmosSettings): CosmosClient {
  return new CosmosClient({
    endpoint: settings.endpoint,
    ...(settings.key ? { key: settings.key } : { aadCredentials: new DefaultAzureCredential() }),
    connectionPolicy: {
      // Emulators on plain http serve one region; discovery would redirect to their https address.
      enableEndpointDiscovery: !settings.endpoint.startsWith('http://'),
      requestTimeout: 10_000,
      retryOptions: { maxRetryAttemptCount: settings.maxRetries, maxWaitTimeInSeconds: settings.maxRetryWaitSeconds, fixedRetryIntervalInMilliseconds: 0 },
    },
    userAgentSuffix: 'campaign-orchestrator',
  });
}

/** Creates the database and both containers when missing; returns the containers. */
export async function ensureContainers(client: CosmosClient, settings: CosmosSettings): Promise<{ campaigns: Container; events: Container }> {
  const { database } = await client.databases.createIfNotExists({ id: settings.database });
  const { container: campaigns } = await database.containers.createIfNotExists({
    id: settings.container,
    partitionKey: { paths: ['/campaignId'] },
    indexingPolicy: CAMPAIGNS_INDEXING,
  });
  const { container: events } = await database.containers.createIfNotExists({
    id: settings.eventsContainer,
    partitionKey: { paths: ['/runId'] },
    indexingPolicy: EVENTS_INDEXING,
    defaultTtl: settings.eventsTtlSeconds,
  });
  return { campaigns, events };
}
