/**
 * Scenario 6, parts 2 and 3: nodes of one deployment on one Redis and one SQLite file (DATA_DIR
 * shared, as processes of one host may), their model the test server in the client process. A
 * executes the runs; B (RUN_CONCURRENCY=0) serves the API and the streams only.
 *  - Part 2: clients on A and on B follow the same runs (event latency, lost and duplicated
 *    events); `run:cancel` sent on B stops runs that stream from the model on A.
 *  - Part 3: a second worker, C, joins. Runs in generation lose their node to a SIGKILL; a client
 *    on B times their `Resumed` event. The killed node is started again for the next repetition.
 */
import { performance } from 'node:perf_hooks';
import type { TakeoverOutcome, TakeoverRun } from '../clients/takeover';
import { Child } from '../lib/proc';
import type { BenchRedis } from '../lib/redis-server';
import type { ScenarioContext } from '../lib/report';
import { sleep } from '../lib/stats';

/** Short enough that a takeover fits a repetition; the lease bounds how soon another node may take a run. */
export const LEASE_MS = 2000;
/**
 * Runs started `gapMs` apart (each start is a burst of work on A: the run claimed, its first
 * events stored, three model requests built), each followed by `perGroup` clients on A and as
 * many on B.
 */
export const DELIVERY = { runs: 20, gapMs: 50, perGroup: 5 };
/** As scenario 4: batches of runs started together, cancelled one at a time. */
export const CANCEL = { batches: 3, perBatch: 10, gapMs: 20 };
/** Runs in generation at each kill; the kill comes this long after the model has all their generator requests (1 s each). */
export const TAKEOVER = { runs: 4, midGenerationMs: 200 };

type Summary = { n: number; p50: number; p99: number; max: number };
type Seen = { latencyMs: Summary; lost: number; duplicates: number };

export interface DeliveryRep {
  seen: { a: Seen; b: Seen };
  states: string[];
  elu: number;
}

export interface CancelRep {
  cancels: number;
  notCancelled: string[];
  toEventMs: Summary;
  toCloseMs: Summary;
  toAckMs: Summary;
  elu: number;
}

export interface TakeoverRep {
  /** The worker killed: a or c. */
  killed: string;
  /** Runs executing on each worker just before the kill. */
  activeRuns: Record<string, number>;
  outcomes: TakeoverOutcome[];
}

export interface AcrossNodes {
  delivery: DeliveryRep[];
  cancel: CancelRep[];
  takeover: TakeoverRep[];
}

/** Parts 2 and 3; hands each part's figures to `report` as soon as it has them. */
export async function acrossNodes(
  bench: ScenarioContext,
  redis: BenchRedis,
  client: Child,
  llmUrl: string,
  report: (part: Partial<AcrossNodes>) => void,
): Promise<void> {
  const dataDir = bench.tempDir();
  const start = (name: string, extra: Record<string, string> = {}) =>
    Child.start(name, 'servers/app-server', {
      core: 0,
      execArgv: bench.serverNodeArgs,
      env: bench.serverEnv(dataDir, {
        REDIS_URL: redis.url,
        REDIS_PREFIX: 's6-nodes',
        RUN_LEASE_MS: String(LEASE_MS),
        LLM_PROVIDER: 'openai',
        OPENAI_BASE_URL: llmUrl,
        OPENAI_API_KEY: 'sk-bench-not-a-secret',
        LLM_MAX_RETRIES: '0',
        LLM_STREAM: 'true',
        ...extra,
      }),
    });
  // One after the other: the first creates the store's schema in the shared file.
  const workers = new Map<string, Child>([['a', await start('s6-node-a')]]);
  const b = await start('s6-node-b', { RUN_CONCURRENCY: '0' });
  try {
    await client.call('connect', { group: 'a', url: workers.get('a')!.info.url, count: DELIVERY.perGroup }, 30_000);
    await client.call('connect', { group: 'b', url: b.info.url, count: CANCEL.perBatch }, 30_000);
    report(await sameAndCrossNode(bench, client, b));
    workers.set('c', await start('s6-node-c'));
    const takeover: TakeoverRep[] = [];
    for (let rep = 0; rep < bench.reps; rep++) {
      const round = await killRound(client, workers);
      takeover.push(round);
      const taken = round.outcomes.filter((o) => o.takenOver);
      const times = taken.map((o) => Math.round(o.toResumedMs!)).join(', ');
      const ends = round.outcomes.map((o) => o.terminal).join(', ');
      bench.log(`s6 takeover rep ${rep + 1}: killed ${round.killed} (runs ${JSON.stringify(round.activeRuns)}), kill -> Resumed at B ${times} ms; ${ends}`);
      if (rep < bench.reps - 1) workers.set(round.killed, await start(`s6-node-${round.killed}-restart${rep + 1}`));
    }
    report({ takeover });
  } finally {
    await Promise.all([...workers.values(), b].map((node) => node.stop()));
  }
}

/** Part 2, `reps` times: delivery to clients on A and on B, then cancels sent on B. */
async function sameAndCrossNode(bench: ScenarioContext, client: Child, b: Child): Promise<Pick<AcrossNodes, 'delivery' | 'cancel'>> {
  const delivery: DeliveryRep[] = [];
  const cancel: CancelRep[] = [];
  const deliver = (runs: number): Promise<DeliveryRep> =>
    client.call('delivery', { startUrl: b.info.url, ...DELIVERY, runs, followers: ['a', 'b'], timeoutMs: 15_000 }, 40_000);
  await deliver(10); // warm-up: the first runs of a node run code V8 has not optimised yet
  for (let rep = 0; rep < bench.reps; rep++) {
    const d = await deliver(DELIVERY.runs);
    delivery.push(d);
    const c: CancelRep = await client.call('cancel', { group: 'b', warmupBatches: rep === 0 ? 1 : 0, ...CANCEL, timeoutMs: 5000 }, 60_000);
    cancel.push(c);
    const p99 = (s: Summary) => `${s.p99.toFixed(1)} ms`;
    const cancelled = `${p99(c.toEventMs)} to the event, ${p99(c.toCloseMs)} to the model's connections closed`;
    bench.log(`s6 nodes rep ${rep + 1}: event p99 on A ${p99(d.seen.a.latencyMs)}, on B ${p99(d.seen.b.latencyMs)}; cancel on B p99 ${cancelled}`);
  }
  return { delivery, cancel };
}

/** Starts runs from B, SIGKILLs the worker that executes most of them mid-generation, and waits for what B's client sees. */
async function killRound(client: Child, workers: Map<string, Child>): Promise<TakeoverRep> {
  const { runs } = await client.call<{ runs: TakeoverRun[] }>('startTakeover', { group: 'b', runs: TAKEOVER.runs, timeoutMs: 10_000 }, 20_000);
  await sleep(TAKEOVER.midGenerationMs);
  const activeRuns: Record<string, number> = {};
  for (const [letter, worker] of workers) activeRuns[letter] = await worker.call<number>('activeRuns');
  const [letter, count] = Object.entries(activeRuns).sort((x, y) => y[1] - x[1])[0];
  if (count === 0) throw new Error(`no worker executes the runs: ${JSON.stringify(activeRuns)}`);
  const victim = workers.get(letter)!;
  const killedAt = performance.timeOrigin + performance.now();
  await victim.killAndWait();
  workers.delete(letter);
  const outcomes = await client.call<TakeoverOutcome[]>('awaitTakeover', { runs, killedAt, timeoutMs: 20_000 }, 30_000);
  return { killed: letter, activeRuns, outcomes };
}
