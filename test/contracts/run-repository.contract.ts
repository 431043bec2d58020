import { atomicityContract } from './run-repository.atomicity';
import { campaignAndRunContract } from './run-repository.campaigns';
import { eventAndRecoveryContract } from './run-repository.events';
import { editingContract } from './run-repository.editing';
import { finishRunContract } from './run-repository.finish';
import { idempotencyContract } from './run-repository.idempotency';
import { leaseContract } from './run-repository.leases';
import type { ContractContext, RunRepositoryHarness, RunRepositorySetup } from './run-repository.harness';

export type { RunRepositoryHarness, RunRepositorySetup } from './run-repository.harness';

/** What an adapter's setup can do beyond the port. */
export interface RunRepositoryContractOptions {
  /** Its harnesses implement `breakFinishRun`: run the all-or-nothing test of `finishRun`. */
  faultInjection?: boolean;
}

/**
 * The behaviour every `RunRepository` adapter must show, tested through the port only: campaigns
 * and their pages, tenant scoping, runs and the one-active-run rule, the event stream, the end of
 * a run (versions numbered per campaign artifact, reports linked to versions, active versions,
 * statuses) stored in one transaction, leases and their fencing, and the recovery of interrupted runs.
 * Every test gets a fresh, empty store from `setup`.
 */
export function runRepositoryContract(name: string, setup: RunRepositorySetup, options: RunRepositoryContractOptions = {}): void {
  describe(`RunRepository contract: ${name}`, () => {
    let harness: RunRepositoryHarness | undefined;

    beforeEach(async () => {
      harness = await setup();
    });

    afterEach(async () => {
      await harness?.teardown();
      harness = undefined;
    });

    const current = () => {
      if (!harness) throw new Error('No harness: the setup failed or the test runs outside of it');
      return harness;
    };
    const ctx: ContractContext = { harness: current, repo: () => current().repo };

    campaignAndRunContract(ctx);
    eventAndRecoveryContract(ctx);
    finishRunContract(ctx);
    leaseContract(ctx);
    idempotencyContract(ctx);
    editingContract(ctx);
    if (options.faultInjection) atomicityContract(ctx);
  });
}
