/**
 * Scenario 6, scale-out (REDIS_URL): what Redis costs a node, and what a client gets from a node
 * other than the one that executes its run. The bench starts a redis-server of its own, pinned to
 * the clients' core (it is infrastructure, as the model's test server is, not the server
 * measured), one client process on core 1, and the nodes on core 0:
 *  1. node-cost.ts: one scale-out node against one embedded node (CPU and Redis commands per run);
 *  2. and 3. across-nodes.ts: event latency and cancel across nodes, takeover after a SIGKILL.
 */
import { Child } from '../lib/proc';
import { BenchRedis } from '../lib/redis-server';
import { fmt, maxOf, medianOf, verdict, type ScenarioContext } from '../lib/report';
import { median } from '../lib/stats';
import { acrossNodes, CANCEL, DELIVERY, LEASE_MS, TAKEOVER, type AcrossNodes, type CancelRep, type DeliveryRep, type TakeoverRep } from './across-nodes';
import { COST_LOAD, difference, nodeCost, total, type CostRep, type Load } from './node-cost';

const S = '6 scale-out';

export async function scaleOut(bench: ScenarioContext): Promise<void> {
  const redis = await BenchRedis.start('s6-redis', 1);
  const details: Record<string, unknown> = { costLoad: COST_LOAD, leaseMs: LEASE_MS, delivery: DELIVERY, cancel: CANCEL, takeover: TAKEOVER };
  bench.details.s6 = details;
  try {
    const client = await Child.start('s6-client', 'clients/scale-out-client', { core: 1 });
    try {
      const { baseUrl } = await client.call<{ baseUrl: string }>('startLlm');
      const cost = await nodeCost(bench, redis, client);
      Object.assign(details, { costReps: cost, commandsPerRunBeyondIdle: Object.fromEntries(topCommands(cost, 100)) });
      reportCost(bench, cost);
      await acrossNodes(bench, redis, client, baseUrl, (part) => {
        Object.assign(details, part);
        reportAcross(bench, part);
      });
    } finally {
      await client.stop();
    }
  } finally {
    await redis.stop();
  }
}

const cpuPerRun = (load: Load) => load.serverCpuMs / load.runs;
const ms = (value: number, digits = 1) => `${fmt(value, digits)} ms`;
/** p50 | p99 of the medians over repetitions. */
const p50p99 = <T>(reps: T[], pick: (r: T) => { p50: number; p99: number }) =>
  `${fmt(medianOf(reps, (r) => pick(r).p50))} | ${ms(medianOf(reps, (r) => pick(r).p99))}`;

function reportCost(bench: ScenarioContext, cost: CostRep[]): void {
  const gaps = cost.reduce((a, r) => a + r.embedded.gaps + r.scaled.gaps, 0);
  const ratio = medianOf(cost, (r) => cpuPerRun(r.scaled) / cpuPerRun(r.embedded));
  const runs = COST_LOAD.slices * COST_LOAD.runsPerSlice;
  const load = `${runs} runs each in ${COST_LOAD.slices} slices, ${COST_LOAD.inflight} in flight, offline model ${COST_LOAD.latencyMs} ms`;
  const cpu = `${ms(medianOf(cost, (r) => cpuPerRun(r.scaled)), 2)} / ${ms(medianOf(cost, (r) => cpuPerRun(r.embedded)), 2)}`;
  const figure = `server CPU per full run: 1 node with REDIS_URL (BullMQ, pub/sub) / 1 embedded node (${load})`;
  bench.add(S, figure, `${cpu} = ${fmt(ratio, 2)}${gaps ? ` (${gaps} runs with gaps!)` : ''}`, '<= 1.5', verdict(ratio <= 1.5 && gaps === 0));
  const all = medianOf(cost, (r) => total(r.commands.load) / r.scaled.runs);
  const beyond = medianOf(cost, (r) => (total(r.commands.load) - total(r.commands.idle)) / r.scaled.runs);
  const idleRate = medianOf(cost, (r) => total(r.commands.idle) / (r.commands.windowMs / 1000));
  const commands = `Redis commands per run (INFO commandstats, scripts' own calls included): all | beyond the idle rate (idle ${fmt(idleRate, 1)}/s)`;
  bench.add(S, commands, `${fmt(all, 1)} | ${fmt(beyond, 1)}`, '<= 60', verdict(beyond <= 60));
  const top = topCommands(cost).map(([name, n]) => `${name} ${fmt(n, 1)}`).join(', ');
  bench.add(S, `the same by command, beyond idle (events per run: ${fmt(medianOf(cost, (r) => r.scaled.eventsPerRun), 1)})`, top);
}

/** Commands by calls per run beyond idle (median over repetitions), most first. */
function topCommands(cost: CostRep[], count = 6): Array<[string, number]> {
  const names = new Set(cost.flatMap((r) => Object.keys(r.commands.load)));
  const beyondIdle = cost.map((r) => ({ calls: difference(r.commands.load, r.commands.idle), runs: r.scaled.runs }));
  const perRun = [...names].map((name): [string, number] => [name, median(beyondIdle.map((r) => (r.calls[name] ?? 0) / r.runs))]);
  return perRun.filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1]).slice(0, count);
}

function reportAcross(bench: ScenarioContext, part: Partial<AcrossNodes>): void {
  if (part.delivery) reportDelivery(bench, part.delivery);
  if (part.cancel) reportCancel(bench, part.cancel);
  if (part.takeover) reportTakeover(bench, part.takeover);
}

function reportDelivery(bench: ScenarioContext, delivery: DeliveryRep[]): void {
  const elu = maxOf(delivery, (r) => r.elu);
  const extra = medianOf(delivery, (r) => r.seen.b.latencyMs.p99 - r.seen.a.latencyMs.p99);
  const ratio = medianOf(delivery, (r) => r.seen.b.latencyMs.p99 / Math.max(1, r.seen.a.latencyMs.p99));
  const follow = `${DELIVERY.runs} runs x ${DELIVERY.perGroup} clients per node, ${medianOf(delivery, (r) => r.seen.a.latencyMs.n)} events per node`;
  const sameNode = `event latency, clients on A, the executing node (its own events also come back over Redis; ${follow}), p50 | p99`;
  bench.add(S, sameNode, p50p99(delivery, (r) => r.seen.a.latencyMs));
  const crossNode = 'event latency, clients on B (RUN_CONCURRENCY=0), p50 | p99';
  bench.add(S, crossNode, p50p99(delivery, (r) => r.seen.b.latencyMs), "p99 <= A's p99 + 10 ms", verdict(extra <= 10, elu));
  bench.add(S, 'p99 on B / p99 on A (A floored at 1 ms) | B - A', `${fmt(ratio, 2)} | ${ms(extra)}`);
  const worst = (node: 'a' | 'b') => `${maxOf(delivery, (r) => r.seen[node].lost)} / ${maxOf(delivery, (r) => r.seen[node].duplicates)}`;
  const clean = delivery.every((r) => r.seen.a.lost + r.seen.a.duplicates + r.seen.b.lost + r.seen.b.duplicates === 0);
  bench.add(S, 'lost / duplicated events, clients on A | on B (worst repetition)', `${worst('a')} | ${worst('b')}`, '0 / 0', verdict(clean, elu));
}

function reportCancel(bench: ScenarioContext, cancel: CancelRep[]): void {
  const elu = maxOf(cancel, (r) => r.elu);
  const allCancelled = cancel.every((r) => r.notCancelled.length === 0);
  const what = `run:cancel on B for a run streaming on A (${CANCEL.batches * CANCEL.perBatch} per repetition)`;
  const toEvent = medianOf(cancel, (r) => r.toEventMs.p99);
  const toClose = medianOf(cancel, (r) => r.toCloseMs.p99);
  const note = allCancelled ? '' : ' (some runs not Cancelled!)';
  const target = 'p99 <= 100 ms';
  const toEventFigure = `${what} -> Cancelled event at that client, p50 | p99`;
  bench.add(S, toEventFigure, `${p50p99(cancel, (r) => r.toEventMs)}${note}`, target, verdict(toEvent <= 100 && allCancelled, elu));
  const toCloseFigure = `${what} -> LLM connections closed at the test server, p50 | p99`;
  bench.add(S, toCloseFigure, p50p99(cancel, (r) => r.toCloseMs), target, verdict(toClose <= 100 && allCancelled, elu));
  bench.add(S, `${what} -> its acknowledgement, p50 | p99`, p50p99(cancel, (r) => r.toAckMs));
}

function reportTakeover(bench: ScenarioContext, takeover: TakeoverRep[]): void {
  const killedRuns = takeover.reduce((a, r) => a + r.activeRuns[r.killed], 0);
  const outcomes = takeover.flatMap((r) => r.outcomes);
  const taken = outcomes.filter((o) => o.takenOver);
  const takenIn = (r: TakeoverRep) => r.outcomes.filter((o) => o.takenOver);
  const p50 = medianOf(takeover, (r) => median(takenIn(r).map((o) => o.toResumedMs!)));
  const worst = medianOf(takeover, (r) => Math.max(...takenIn(r).map((o) => o.toResumedMs!)));
  const limit = LEASE_MS + 2000;
  const whole = taken.length === killedRuns && outcomes.every((o) => o.lost === 0 && o.duplicates === 0 && o.terminal !== 'none');
  const killed = `RUN_LEASE_MS ${LEASE_MS}; ${killedRuns} runs, ${takeover.length} kills`;
  const what = `SIGKILL of the executing node mid-generation -> Resumed at a client on B (${killed})`;
  bench.add(S, `${what}, p50 | worst`, `${fmt(p50, 0)} | ${ms(worst, 0)}`, `<= ${limit} ms`, verdict(worst <= limit && whole));
  const stamped = medianOf(takeover, (r) => median(takenIn(r).map((o) => o.toResumedStampMs!)));
  bench.add(S, 'the same, to the stamp the new owner put on Resumed, p50 (the rest is delivery to B)', ms(stamped, 0));
  const nextResumed = taken.filter((o) => o.nextState === 'Resumed' && o.nextSeq === o.lastSeqBefore + 1).length;
  const lost = outcomes.reduce((a, o) => a + o.lost, 0);
  const duplicates = outcomes.reduce((a, o) => a + o.duplicates, 0);
  const ends = [...new Set(outcomes.map((o) => o.terminal))].join(', ');
  bench.add(
    S,
    'killed runs taken over | their next event Resumed, next seq | lost / duplicated events (all runs) | ends',
    `${taken.length}/${killedRuns} | ${nextResumed}/${taken.length} | ${lost} / ${duplicates} | ${ends}`,
    'all | all | 0 / 0',
    verdict(whole && nextResumed === taken.length),
  );
}
