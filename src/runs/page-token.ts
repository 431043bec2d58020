import { DomainError } from '../common/domain-error';
import { StoreConflictError } from '../persistence/store-errors';

/**
 * True when the store refused a continuation token (SQLite: a token it cannot read; Cosmos DB: its
 * 400 on a forged one), not when the store itself failed.
 */
function refusedToken(error: unknown): boolean {
  return error instanceof StoreConflictError || (error as { cause?: { code?: unknown } }).cause?.code === 400;
}

/**
 * Reads a page of a list with the client's continuation token.
 * @throws DomainError VALIDATION_FAILED naming `continuationToken` when the store refuses the token; any other failure as it is
 */
export async function readWithToken<T>(continuationToken: string | undefined, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (continuationToken && refusedToken(error)) throw new DomainError('VALIDATION_FAILED', 'The continuation token is not valid', [{ field: 'continuationToken', message: 'is not a token of this list' }]);
    throw error;
  }
}
