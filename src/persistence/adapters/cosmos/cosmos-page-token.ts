import type { Container, FeedOptions, SqlQuerySpec } from '@azure/cosmos';
import type { Page } from '@app/contracts';
import { guard } from './cosmos-requests';

/**
 * The continuation tokens a Cosmos DB list hands out: the SDK's own (opaque) token with the number
 * of the page it reads, so that a page read with a token reports its true `page` (ADR 0022).
 * Written `<page>~<Cosmos DB token>`; a token without the prefix (handed out before it existed) is
 * taken as Cosmos DB's own, its page the one the caller asked for.
 */
const PREFIXED = /^(\d{1,9})~([\s\S]+)$/;

/** The token of page `page` of a list, after Cosmos DB's `token`. */
export function pageToken(page: number, token: string): string {
  return `${page}~${token}`;
}

/** The page and Cosmos DB token of a continuation token; `page` when it carries none. */
export function readPageToken(continuationToken: string, page: number): { page: number; token: string } {
  const match = PREFIXED.exec(continuationToken);
  return match ? { page: Number(match[1]), token: match[2] } : { page, token: continuationToken };
}

/**
 * Page `page` of `query` (`pageSize` items, in the query's order) with the total of `count`: read
 * directly with the continuation token of the page before, else by following `page - 1` tokens.
 */
export async function readPage<T>(container: Container, query: SqlQuerySpec, count: SqlQuerySpec, page: number, pageSize: number, continuationToken?: string, options: FeedOptions = {}): Promise<Page<T>> {
  const resumed = continuationToken ? readPageToken(continuationToken, page) : undefined;
  const target = resumed?.page ?? page;
  let token = resumed?.token;
  let items: T[] = [];
  for (let current = resumed ? target : 1; current <= target; current++) {
    const response = await guard(() => container.items.query<T>(query, { ...options, maxItemCount: pageSize, continuationToken: token }).fetchNext());
    items = response.resources;
    token = response.continuationToken;
    if (!token && current < target) {
      items = [];
      break;
    }
  }
  const [totalCount] = await guard(async () => (await container.items.query<number>(count, options).fetchAll()).resources);
  return { items, totalCount: totalCount ?? 0, page: target, pageSize, ...(token ? { continuationToken: pageToken(target + 1, token) } : {}) };
}
