import type { Container } from '@azure/cosmos';
import type { IdempotencyRecord, TenantId } from '../../run.repository';
import { StoreError } from '../../store-errors';
import { IdempotencyDoc, idempotencyPartition } from './cosmos-documents';
import { answered, etagOf, guard } from './cosmos-requests';

/** Times a claim meets a record that changed under it before it gives up. */
const CLAIM_ATTEMPTS = 3;

/**
 * Creating the record's document (in the events container, a partition of its own) is the claim
 * (409: held). A held record past its window (one Cosmos DB has not yet expired, or any on an
 * emulator without TTL) is replaced, guarded by its etag. See `RunRepository.claimIdempotencyKey`.
 */
export async function claimIdempotencyKey(events: Container, record: IdempotencyRecord, windowMs: number): Promise<IdempotencyRecord> {
  const partition = idempotencyPartition(record.tenantId, record.key);
  const item = events.item('idempotency', partition);
  const doc: IdempotencyDoc = { id: 'idempotency', runId: partition, type: 'idempotency', record, ttl: Math.max(1, Math.ceil(windowMs / 1000)) };
  for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
    if ((await answered([409], () => events.items.create(doc))) === undefined) return record;
    const { resource: held } = await guard(() => item.read<IdempotencyDoc>());
    // Expired or released in between: create it again.
    if (!held) continue;
    if (Date.parse(held.record.createdAt) >= Date.now() - windowMs) return held.record;
    if ((await answered([404, 412], () => item.replace(doc, { accessCondition: { type: 'IfMatch', condition: etagOf(held) } }))) === undefined) return record;
  }
  throw new StoreError('The idempotency key kept changing while it was claimed');
}

/** Removes the record when it still names `runId`; stale (412) or gone (404): another start holds it now, or it was released. */
export async function releaseIdempotencyKey(events: Container, tenantId: TenantId, key: string, runId: string): Promise<void> {
  const item = events.item('idempotency', idempotencyPartition(tenantId, key));
  const { resource: held } = await guard(() => item.read<IdempotencyDoc>());
  if (held?.record.runId === runId) await answered([404, 412], () => item.delete({ accessCondition: { type: 'IfMatch', condition: etagOf(held) } }));
}
