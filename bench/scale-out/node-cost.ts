/**
 * Scenario 6, part 1: what scale-out mode costs one node. One node with REDIS_URL (runs through
 * BullMQ, events through Redis pub/sub) and one embedded node, side by side on core 0, take the
 * same runs (the same briefs, so the offline model does the same work on both). They take them in
 * slices, in turn (embedded, scale-out, embedded, scale-out; the other way round in odd
 * repetitions), so that a drift of the machine's speed weighs on both alike: measured one after
 * the other, consecutive figures of one node differ by up to 50 % here.
 * Measured: server CPU per run, and Redis commands per run from INFO commandstats, with the
 * commands of an idle window as long as each slice (BullMQ's stalled checks) subtracted.
 */
import { performance } from 'node:perf_hooks';
import { Child } from '../lib/proc';
import type { BenchRedis, CommandCalls } from '../lib/redis-server';
import { withServerLoad, type ScenarioContext } from '../lib/report';
import { sleep } from '../lib/stats';

/**
 * The load: full runs, a few in flight, the offline model answering after a short fixed delay (so
 * that the node is not saturated: a saturated node commits more events per write). The warm-up
 * runs first on each node, more in flight to be short: a node's first hundreds of runs execute
 * code V8 has not optimised yet.
 */
export const COST_LOAD = { slices: 2, runsPerSlice: 30, inflight: 4, latencyMs: 50, warmupRuns: 200, warmupInflight: 16 };
/** After the last terminal event: the queue's bookkeeping of the last runs (BullMQ completes a job after its run's end). */
const SETTLE_MS = 300;

export interface Load {
  runs: number;
  seconds: number;
  eventsPerRun: number;
  gaps: number;
  states: Record<string, number>;
  serverCpuMs: number;
  serverElu: number;
}

export interface CostRep {
  embedded: Load;
  scaled: Load;
  /** Redis commands over the scale-out node's slices, and over idle windows of the same lengths after them. */
  commands: { load: CommandCalls; idle: CommandCalls; windowMs: number };
}

type Node = 'embedded' | 'scaled';

export async function nodeCost(bench: ScenarioContext, redis: BenchRedis, client: Child): Promise<CostRep[]> {
  const start = (name: string, extra: Record<string, string>) => {
    const env = bench.serverEnv(bench.tempDir(), { OFFLINE_LATENCY_MS: String(COST_LOAD.latencyMs), ...extra });
    return Child.start(name, 'servers/app-server', { core: 0, execArgv: bench.serverNodeArgs, env });
  };
  const nodes: Record<Node, Child> = {
    embedded: await start('s6-embedded', {}),
    scaled: await start('s6-scale-out', { REDIS_URL: redis.url, REDIS_PREFIX: 's6-cost' }),
  };
  const load = (node: Node, runs: number, tag: string, inflight = COST_LOAD.inflight): Promise<Load> =>
    withServerLoad(nodes[node], async () => {
      const result = await client.call('load', { group: node, runs, inflight, tag, timeoutMs: 20_000 }, 60_000);
      await sleep(SETTLE_MS);
      return result;
    });
  try {
    for (const node of ['embedded', 'scaled'] as const) {
      await client.call('connect', { group: node, url: nodes[node].info.url, count: COST_LOAD.inflight }, 30_000);
      await load(node, COST_LOAD.warmupRuns, 'warm', COST_LOAD.warmupInflight);
    }
    const reps: CostRep[] = [];
    for (let rep = 0; rep < bench.reps; rep++) {
      const order: Node[] = rep % 2 === 0 ? ['embedded', 'scaled'] : ['scaled', 'embedded'];
      const loads: Record<Node, Load[]> = { embedded: [], scaled: [] };
      const commands: CostRep['commands'] = { load: {}, idle: {}, windowMs: 0 };
      for (let slice = 0; slice < COST_LOAD.slices; slice++) {
        for (const node of order) {
          // The same tags on both nodes: the same briefs.
          const tag = `r${rep}s${slice}`;
          if (node === 'embedded') loads.embedded.push(await load(node, COST_LOAD.runsPerSlice, tag));
          else loads.scaled.push(await commandsOver(redis, commands, () => load(node, COST_LOAD.runsPerSlice, tag)));
        }
      }
      const result = { embedded: sum(loads.embedded), scaled: sum(loads.scaled), commands };
      reps.push(result);
      const perRunCommands = (total(commands.load) / result.scaled.runs).toFixed(1);
      const redisLine = `Redis commands/run ${perRunCommands}, idle ${total(commands.idle)} in ${Math.round(commands.windowMs)} ms`;
      bench.log(`s6 cost rep ${rep + 1}: CPU/run scale-out ${perRun(result.scaled)} ms, embedded ${perRun(result.embedded)} ms; ${redisLine}`);
    }
    return reps;
  } finally {
    await Promise.all([nodes.embedded.stop(), nodes.scaled.stop()]);
  }
}

/** Runs `work`, adding to `into` the Redis commands it made and those of an idle window of the same length right after it. */
async function commandsOver<T>(redis: BenchRedis, into: CostRep['commands'], work: () => Promise<T>): Promise<T> {
  const c0 = await redis.commandCalls();
  const t0 = performance.now();
  const result = await work();
  const c1 = await redis.commandCalls();
  const windowMs = performance.now() - t0;
  await sleep(windowMs);
  const c2 = await redis.commandCalls();
  addTo(into.load, difference(c1, c0));
  addTo(into.idle, difference(c2, c1));
  into.windowMs += windowMs;
  return result;
}

/** The slices of one node as one load: runs, CPU and time add up. */
function sum(slices: Load[]): Load {
  const runs = slices.reduce((a, s) => a + s.runs, 0);
  const states: Record<string, number> = {};
  for (const s of slices) for (const [state, n] of Object.entries(s.states)) states[state] = (states[state] ?? 0) + n;
  const seconds = slices.reduce((a, s) => a + s.seconds, 0);
  return {
    runs,
    seconds,
    eventsPerRun: slices.reduce((a, s) => a + s.eventsPerRun * s.runs, 0) / runs,
    gaps: slices.reduce((a, s) => a + s.gaps, 0),
    states,
    serverCpuMs: slices.reduce((a, s) => a + s.serverCpuMs, 0),
    serverElu: slices.reduce((a, s) => a + s.serverElu * s.seconds, 0) / seconds,
  };
}

export function difference(after: CommandCalls, before: CommandCalls): CommandCalls {
  const out: CommandCalls = {};
  for (const [name, calls] of Object.entries(after)) if (calls - (before[name] ?? 0) > 0) out[name] = calls - (before[name] ?? 0);
  return out;
}

function addTo(total: CommandCalls, more: CommandCalls): void {
  for (const [name, calls] of Object.entries(more)) total[name] = (total[name] ?? 0) + calls;
}

export const total = (calls: CommandCalls) => Object.values(calls).reduce((a, b) => a + b, 0);
const perRun = (load: Load) => (load.serverCpuMs / load.runs).toFixed(2);
