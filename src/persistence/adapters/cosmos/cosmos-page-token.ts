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
