import { Container, ErrorResponse, SqlQuerySpec } from '@azure/cosmos';
import { LeaseLostError, StoreConflictError, StoreError } from '../../store-errors';

/** The HTTP status of a Cosmos DB error response. */
export const statusOf = (error: unknown): number | undefined => (error instanceof ErrorResponse && typeof error.code === 'number' ? error.code : undefined);

/** The etag Cosmos DB put on a document it returned. */
export const etagOf = (doc: object): string => (doc as { _etag?: string })._etag ?? '';

/** Maps SDK failures (after its own retries of throttling) to store errors; `mapped` turns given statuses into other errors. */
export async function guard<T>(work: () => Promise<T>, mapped: Record<number, () => Error> = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreError || error instanceof StoreConflictError || error instanceof LeaseLostError) throw error;
    const status = statusOf(error);
    if (status !== undefined && mapped[status]) throw mapped[status]();
    const detail = status === 429 ? 'throttled (429) beyond the retry budget' : error instanceof Error ? error.message : String(error);
    throw new StoreError(`Cosmos DB request failed: ${detail}`, { cause: error });
  }
}

/** Runs `work`: undefined when it succeeded, the status when Cosmos DB answered one of `expected`; other failures as `guard` maps them. */
export async function answered(expected: number[], work: () => Promise<unknown>): Promise<number | undefined> {
  try {
    await work();
    return undefined;
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined && expected.includes(status)) return status;
    return guard(() => Promise.reject(error));
  }
}

/**
 * A query within one partition, whose key is the document field `field`. The partition key is
 * also a filter of the query (`@pk`), which costs real Cosmos DB nothing and keeps emulators that
 * ignore the option correct.
 */
export async function queryIn<T>(container: Container, field: 'campaignId' | 'runId', partitionKey: string, query: string, parameters: Record<string, unknown>): Promise<T[]> {
  const scoped = query.replace(' WHERE ', ` WHERE c.${field} = @pk AND `);
  const spec: SqlQuerySpec = { query: scoped, parameters: Object.entries({ ...parameters, '@pk': partitionKey }).map(([name, value]) => ({ name, value: value as never })) };
  return guard(async () => (await container.items.query<T>(spec, { partitionKey }).fetchAll()).resources);
}
