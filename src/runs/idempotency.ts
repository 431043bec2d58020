import { createHash } from 'node:crypto';
import { DomainError } from '../common/domain-error';

/** An idempotency key: 1–255 visible ASCII characters (a UUID is the usual choice). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A record younger than this whose run does not exist is a start still under way; older, one a crash cut short. */
export const ORPHANED_AFTER_MS = 10_000;

/** `value` with object keys sorted, so equal content serialises equally (JSON leaves undefined members out). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, canonical(record[key])]));
}

/** A hash of a start request's content, whatever its key order and transport (REST or socket). */
export function fingerprintOf(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(request))).digest('base64url');
}

/**
 * The `Idempotency-Key` header of a REST start, checked.
 * @throws DomainError VALIDATION_FAILED naming the header
 */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (IDEMPOTENCY_KEY.test(header)) return header;
  throw new DomainError('VALIDATION_FAILED', 'The Idempotency-Key header is not valid', [{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }]);
}
