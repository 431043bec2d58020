import { randomUUID } from 'node:crypto';
import type { IdempotencyRecord, TenantId } from '../../src/persistence/run.repository';
import { newCampaign, newRun } from '../support/run-fixtures';
import { ContractContext, finishWith, TENANT_A, TENANT_B } from './run-repository.harness';

const WINDOW_MS = 60_000;

function record(tenantId: TenantId, key: string, overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return { tenantId, key, fingerprint: 'f1', runId: randomUUID(), campaignId: randomUUID(), createdAt: new Date().toISOString(), ...overrides };
}

/** Idempotency keys of run starts, chosen campaign ids, and the count of a tenant's active runs (per-tenant limits). */
export function idempotencyContract(ctx: ContractContext): void {
  describe('idempotency keys', () => {
    it('stores the first claim of a key and answers every later claim with it, per tenant', async () => {
      const first = record(TENANT_A, 'key-1');
      expect(await ctx.repo().claimIdempotencyKey(first, WINDOW_MS)).toEqual(first);

      const repeat = record(TENANT_A, 'key-1', { fingerprint: 'f2' });
      expect(await ctx.repo().claimIdempotencyKey(repeat, WINDOW_MS)).toEqual(first);
      // The same key of another tenant is another key.
      const other = record(TENANT_B, 'key-1');
      expect(await ctx.repo().claimIdempotencyKey(other, WINDOW_MS)).toEqual(other);
    });

    it('lets exactly one of concurrent claims of a key win', async () => {
      const claims = Array.from({ length: 6 }, () => record(TENANT_A, 'contended'));
      const held = await Promise.all(claims.map((claim) => ctx.repo().claimIdempotencyKey(claim, WINDOW_MS)));

      const winners = new Set(held.map((h) => h.runId));
      expect(winners.size).toBe(1);
      expect(claims.map((c) => c.runId)).toContain([...winners][0]);
    });

    it('replaces a record whose window has passed', async () => {
      const old = record(TENANT_A, 'aged', { createdAt: new Date(Date.now() - 5_000).toISOString() });
      expect(await ctx.repo().claimIdempotencyKey(old, WINDOW_MS)).toEqual(old);

      const fresh = record(TENANT_A, 'aged');
      expect(await ctx.repo().claimIdempotencyKey(fresh, 1_000)).toEqual(fresh);
      expect(await ctx.repo().claimIdempotencyKey(record(TENANT_A, 'aged'), WINDOW_MS)).toEqual(fresh);
    });

    it('releases a key only for the run that holds it', async () => {
      const held = record(TENANT_A, 'released');
      await ctx.repo().claimIdempotencyKey(held, WINDOW_MS);

      await ctx.repo().releaseIdempotencyKey(TENANT_A, 'released', 'another-run');
      await ctx.repo().releaseIdempotencyKey(TENANT_B, 'released', held.runId);
      expect(await ctx.repo().claimIdempotencyKey(record(TENANT_A, 'released'), WINDOW_MS)).toEqual(held);

      await ctx.repo().releaseIdempotencyKey(TENANT_A, 'released', held.runId);
      const next = record(TENANT_A, 'released');
      expect(await ctx.repo().claimIdempotencyKey(next, WINDOW_MS)).toEqual(next);
      // Releasing a key nobody holds is a no-op.
      await ctx.repo().releaseIdempotencyKey(TENANT_A, 'never-claimed', 'a-run');
    });
  });

  describe('chosen campaign ids', () => {
    it('creates a campaign, alone or with its first run, under the id the caller chose', async () => {
      const id = randomUUID();
      expect((await ctx.repo().createCampaign({ ...newCampaign(TENANT_A), id })).id).toBe(id);

      const withRun = randomUUID();
      const run = await ctx.repo().createCampaignRun({ ...newCampaign(TENANT_A), id: withRun, run: newRun(TENANT_A, 'ignored').run });
      expect(run.campaignId).toBe(withRun);
      expect((await ctx.repo().getCampaign(TENANT_A, withRun))?.status).toBe('generating');
    });
  });

  describe('active runs per tenant', () => {
    it('counts the queued and running runs of one tenant only', async () => {
      expect(await ctx.repo().countActiveRuns(TENANT_A)).toBe(0);
      const runs = [];
      for (let n = 0; n < 3; n++) {
        const campaign = await ctx.repo().createCampaign(newCampaign(TENANT_A));
        runs.push(await ctx.repo().createRun(newRun(TENANT_A, campaign.id)));
      }
      const other = await ctx.repo().createCampaign(newCampaign(TENANT_B));
      await ctx.repo().createRun(newRun(TENANT_B, other.id));
      expect(await ctx.repo().countActiveRuns(TENANT_A)).toBe(3);

      await ctx.repo().claimRun(TENANT_A, runs[0].id, { owner: 'node-1', leaseMs: 10_000 });
      await finishWith(ctx.repo(), runs[1], 'cancelled', []);
      expect(await ctx.repo().countActiveRuns(TENANT_A)).toBe(2);
      expect(await ctx.repo().countActiveRuns(TENANT_B)).toBe(1);
    });
  });
}
