import { Items } from '@azure/cosmos';
import { CosmosRunRepository } from '../../src/persistence/adapters/cosmos/cosmos-run.repository';
import { createCosmosClient } from '../../src/persistence/adapters/cosmos/cosmos-setup';
import { StoreError } from '../../src/persistence/store-errors';
import { rejectionOf, startedRun, TENANT_A } from '../contracts/run-repository.harness';
import { buildResult, newCampaign, REGENERATED, runOutcome } from '../support/run-fixtures';
import { CosmosTestServer } from '../support/cosmos-test-server';

/**
 * What the Cosmos DB adapter does beyond the shared contract. This server applies a batch's
 * operations in order and stops at the first failure, but it does not roll back the ones before
 * it: only real Cosmos DB can prove that a failed batch leaves nothing behind. What is tested here
 * is that the adapter sends the whole end of a run as one batch, puts its etag-guarded replaces
 * first, and treats any failed operation as a failed write.
 */
describe(CosmosRunRepository.name, () => {
  const server = new CosmosTestServer();
  let repo: CosmosRunRepository;
  let settings: ReturnType<CosmosTestServer['settings']>;

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(async () => {
    settings = server.settings();
    repo = await CosmosRunRepository.connect(settings);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await repo.close();
  });

  it('creates the database and both containers, with the partition keys and events TTL', async () => {
    const client = createCosmosClient(settings);
    const database = client.database(settings.database);
    const { resource: campaigns } = await database.container(settings.container).read();
    const { resource: events } = await database.container(settings.eventsContainer).read();
    expect(campaigns?.partitionKey?.paths).toEqual(['/campaignId']);
    expect(events?.partitionKey?.paths).toEqual(['/runId']);
    expect(events?.defaultTtl).toBe(settings.eventsTtlSeconds);
    // Connecting again finds them and changes nothing.
    await (await CosmosRunRepository.connect(settings, client)).ping();
    client.dispose();
  });

  it('writes the end of a run as one transactional batch in the campaign partition, replaces first', async () => {
    const batch = jest.spyOn(Items.prototype, 'batch');
    const { run } = await startedRun(repo);
    batch.mockClear();
    const result = buildResult(run, 'success', REGENERATED);
    await repo.finishRun(runOutcome(TENANT_A, result, 7));

    expect(batch).toHaveBeenCalledTimes(1);
    const [operations, partitionKey] = batch.mock.calls[0];
    expect(partitionKey).toBe(run.campaignId);
    const kinds = operations.map((o) => `${o.operationType}:${(o as { resourceBody?: { type?: string } }).resourceBody?.type}`);
    expect(kinds.filter((k) => k === 'Create:artifactVersion')).toHaveLength(result.versions.length);
    expect(kinds.filter((k) => k === 'Create:auditReport')).toHaveLength(result.auditReports.length);
    expect(kinds).toEqual(expect.arrayContaining(['Replace:campaign', 'Replace:run']));
    expect(kinds.findIndex((k) => k.startsWith('Create'))).toBeGreaterThan(kinds.lastIndexOf('Replace:run'));
    expect(operations.every((o) => o.operationType !== 'Replace' || typeof (o as { ifMatch?: string }).ifMatch === 'string')).toBe(true);
  });

  it('treats a batch with a failed operation as a failed write: the run is not ended', async () => {
    const { run } = await startedRun(repo);
    jest.spyOn(Items.prototype, 'batch').mockResolvedValueOnce({ result: [{ statusCode: 424 }, { statusCode: 409 }], code: 207 } as never);
    const error = await rejectionOf(repo.finishRun(runOutcome(TENANT_A, buildResult(run, 'success', REGENERATED), 7)));

    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('status 409');
    expect(await repo.getRun(TENANT_A, run.id)).toMatchObject({ status: 'running' });
    expect((await repo.listEvents(TENANT_A, run.id, 0)).some((e) => e.state === 'Completed')).toBe(false);
  });

  it('retries an end of run that lost an etag race on fresh state', async () => {
    const { run, campaign } = await startedRun(repo);
    const client = createCosmosClient(settings);
    const original = Items.prototype.batch;
    let calls = 0;
    jest.spyOn(Items.prototype, 'batch').mockImplementation(async function (this: Items, ...args) {
      // Another writer changes the campaign between our read and our batch, once.
      if (calls++ === 0) await client.database(settings.database).container(settings.container).item(campaign.id, campaign.id).patch([{ op: 'set', path: '/name', value: 'Renamed meanwhile' }]);
      return original.apply(this, args);
    });
    await repo.finishRun(runOutcome(TENANT_A, buildResult(run, 'success', REGENERATED), 7));

    expect(calls).toBe(2);
    expect(await repo.getCampaign(TENANT_A, campaign.id)).toMatchObject({ name: 'Renamed meanwhile', status: 'completed' });
    expect((await repo.getRunDetail(TENANT_A, run.id))?.versions.map((v) => `${v.type}:${v.versionNumber}`)).toEqual(['copy:1', 'shortCopy:1', 'visualConcept:1', 'shortCopy:2']);
    client.dispose();
  });

  it('reports an end of run that keeps losing etag races instead of overwriting', async () => {
    const { run } = await startedRun(repo);
    const batch = jest.spyOn(Items.prototype, 'batch').mockResolvedValue({ result: [{ statusCode: 412 }, { statusCode: 424 }], code: 412 } as never);
    const error = await rejectionOf(repo.finishRun(runOutcome(TENANT_A, buildResult(run, 'success', REGENERATED), 7)));
    expect(error).toBeInstanceOf(StoreError);
    expect(batch).toHaveBeenCalledTimes(3);
  });

  it('reads ids with characters Cosmos DB rejects as absent, without a request error', async () => {
    for (const id of ['a/b', 'a\\b', 'a?b', 'a#b', '', 'x'.repeat(256)]) {
      expect(await repo.getRun(TENANT_A, id)).toBeUndefined();
      expect(await repo.getCampaign(TENANT_A, id)).toBeUndefined();
      expect(await repo.listEvents(TENANT_A, id, 0)).toEqual([]);
      expect(await repo.listRuns(TENANT_A, id)).toEqual([]);
    }
  });

  it('refuses a document over the 2 MB item limit with a clear error', async () => {
    const brief = { ...newCampaign(TENANT_A).brief, productDetails: 'x'.repeat(2_200_000) };
    const error = await rejectionOf(repo.createCampaign({ ...newCampaign(TENANT_A), brief }));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/over Cosmos DB's 2 MB item limit/);
  });

  it('fails the readiness ping while Cosmos DB is unreachable', async () => {
    const other = new CosmosTestServer();
    await other.start();
    const unreachable = await CosmosRunRepository.connect(other.settings({ maxRetries: 0 }));
    await unreachable.ping();
    await other.stop();
    await expect(unreachable.ping()).rejects.toBeInstanceOf(StoreError);
    await unreachable.close();
  }, 30_000);
});
