import type { Campaign, OrchestrationResultStatus, OrchestrationRun, RunDetail } from '@app/contracts';
import type { RunRepository, TenantId } from '../../src/persistence/run.repository';
import { StoreConflictError, StoreError } from '../../src/persistence/store-errors';
import { buildResult, newCampaign, newRun, progressEvents, runOutcome, type VersionSpec } from '../support/run-fixtures';

/** One adapter under test, on a fresh, empty store. */
export interface RunRepositoryHarness {
  repo: RunRepository;
  /** Closes the repository and removes whatever the setup created. */
  teardown(): Promise<void>;
  /**
   * Makes `finishRun` fail in the middle of its transaction (after it has written part of the
   * outcome) until the returned function is called.
   */
  breakFinishRun?(): Promise<() => Promise<void>>;
}

/** Builds a fresh harness; called once per contract test. */
export type RunRepositorySetup = () => Promise<RunRepositoryHarness>;

/** What the contract's parts share: the harness of the current test. */
export interface ContractContext {
  harness(): RunRepositoryHarness;
  repo(): RunRepository;
}

export const TENANT_A: TenantId = 'tenant-a';
export const TENANT_B: TenantId = 'tenant-b';

/** Lets the clock move, so that records created one after the other have distinct timestamps. */
export const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

/** The rejection of `promise`; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the store to reject, but it resolved');
}

export async function expectConflict(promise: Promise<unknown>, code?: StoreConflictError['code']): Promise<StoreConflictError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(StoreConflictError);
  if (code) expect((error as StoreConflictError).code).toBe(code);
  return error as StoreConflictError;
}

/** A rejection the port allows: a conflict or a store failure, never a raw driver error. */
export async function expectStoreRejection(promise: Promise<unknown>): Promise<Error> {
  const error = await rejectionOf(promise);
  expect(error instanceof StoreConflictError || error instanceof StoreError).toBe(true);
  return error as Error;
}

/** A campaign of `tenantId` with a run that has stored its progress events up to the audit (seq 1–6). */
export async function startedRun(repo: RunRepository, tenantId: TenantId = TENANT_A, campaign?: Campaign): Promise<{ campaign: Campaign; run: OrchestrationRun }> {
  const owner = campaign ?? (await repo.createCampaign(newCampaign(tenantId)));
  const run = await repo.createRun(newRun(tenantId, owner.id));
  const [queued, ...progress] = progressEvents(run);
  await repo.appendEvents(tenantId, [queued]);
  await repo.appendEvents(tenantId, progress);
  return { campaign: owner, run };
}

/** Ends a started run (lastSeq 6) with `specs`, terminal event at seq 7; returns its detail. */
export async function finishWith(
  repo: RunRepository,
  run: OrchestrationRun,
  status: OrchestrationResultStatus,
  specs: VersionSpec[],
  tenantId: TenantId = TENANT_A,
): Promise<RunDetail> {
  await repo.finishRun(runOutcome(tenantId, buildResult(run, status, specs), 7));
  const detail = await repo.getRunDetail(tenantId, run.id);
  expect(detail).toBeDefined();
  return detail!;
}

/** The version of `detail` with this type and attempt. */
export function versionOf(detail: RunDetail, type: string, attempt: number) {
  const version = detail.versions.find((v) => v.type === type && v.attempt === attempt);
  expect(version).toBeDefined();
  return version!;
}

/** `[type, attempt, versionNumber]` of each version, in the order stored. */
export const numbering = (detail: RunDetail) => detail.versions.map((v) => [v.type, v.attempt, v.versionNumber]);
