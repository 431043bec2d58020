/**
 * `npm run bench`: every benchmark of docs/benchmarks.md, each server and each client in its own
 * process (pinned to cores 0 and 1 with taskset where possible), all traffic on 127.0.0.1, every
 * loop bounded in count and time, every child stopped. Each figure is the median of `--reps`
 * repetitions (default 3); figures that compare are ratios measured in the same run. Prints one
 * table; writes dist-bench/results.json (every repetition) and dist-bench/results.md (the table).
 *
 * Options: --only s1,s3  --reps 3  --profile (CPU profiles of the server during the measured
 * windows of the last repetition, summarised in dist-bench/profiles/)
 */
import './lib/alias';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Child, LOG_DIR, pinning, runMain, stopAll } from './lib/proc';
import { ROOT } from './lib/paths';
import { fmt, maxOf, medianOf, SATURATED, verdict, withServerLoad, type ScenarioContext, type Verdict } from './lib/report';
import { within } from './lib/stats';
import { summarise } from './profile-summary';
import { scaleOut } from './scale-out/scale-out';

// ---------------------------------------------------------------------------------------------
// Settings

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const REPS = Math.max(1, Math.min(5, Number(option('reps') ?? 3)));
const ONLY = new Set((option('only') ?? 's1,s2,s3,s4,s5,s6').split(','));
const PROFILE = args.includes('--profile');
const PROFILE_DIR = join(ROOT, 'dist-bench', 'profiles');
/**
 * Diagnostic only (`--server-env LOG_LEVEL=silent,BENCH_NO_TELEMETRY=1`): extra environment for
 * every server process and for our engine in scenario 1, to see what a setting costs. The figures
 * of such a run are not the server as shipped.
 */
const SERVER_ENV: Record<string, string> = Object.fromEntries(
  (option('server-env') ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]),
);
/** The whole run must end within 12 minutes with the build: scenarios stop being started after this. */
const BUDGET_MS = Number(option('budget-ms') ?? 11 * 60_000);
const started = performance.now();

/**
 * Realistic simulated LLM latency for the offline model (one range for every call): first token
 * 0.4-1.2 s, then the answer at 80-120 tokens/s. The offline answers are 215-820 tokens (visual
 * concept to long-form copy, 4 characters a token), so a call takes 0.4 + 215/120 = 2.2 s at best
 * and 1.2 + 820/80 = 11.45 s at worst.
 */
const FIRST_TOKEN_MS = [400, 1200];
const TOKENS = [215, 820];
const TOKENS_PER_S = [80, 120];
const REALISTIC_LATENCY = `${Math.round(FIRST_TOKEN_MS[0] + (TOKENS[0] / TOKENS_PER_S[1]) * 1000)}-${Math.round(FIRST_TOKEN_MS[1] + (TOKENS[1] / TOKENS_PER_S[0]) * 1000)}`;

/** Fixed agent latencies of scenario 3 (ms), per output schema. */
const FIXED_DELAYS = { campaign_copy: 300, social_posts: 500, poster_concepts: 800, audit_reports: 200 };

/** The server's environment: production, loopback, embedded store in a fresh folder, cancel on shutdown. */
function serverEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    AUTH_TOKENS: '',
    COSMOS_ENDPOINT: '',
    AZURE_OPENAI_ENDPOINT: '',
    OPENAI_BASE_URL: '',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    APPLICATIONINSIGHTS_CONNECTION_STRING: '',
    SHUTDOWN_MODE: 'cancel',
    SHUTDOWN_GRACE_MS: '0',
    LLM_PROVIDER: 'offline',
    // The benchmarks load one tenant far past its production limits on purpose.
    TENANT_RUN_STARTS_PER_MINUTE: '0',
    TENANT_MAX_ACTIVE_RUNS: '0',
    ...extra,
    ...SERVER_ENV,
  };
}

/** Diagnostic only (`--server-node-args=--single-threaded-gc`): extra node/V8 flags for our server processes. */
const SERVER_NODE_ARGS = (args.find((a) => a.startsWith('--server-node-args='))?.slice('--server-node-args='.length) ?? '').split(' ').filter(Boolean);

const tempDirs: string[] = [];
process.once('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orchestrator-bench-'));
  tempDirs.push(dir);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Results

interface Row {
  scenario: string;
  figure: string;
  value: string;
  target: string;
  verdict: Verdict;
}

const rows: Row[] = [];
const details: Record<string, unknown> = {};

function add(scenario: string, figure: string, value: string, target = '', v: Verdict = ''): void {
  rows.push({ scenario, figure, value, target, verdict: v });
}

function log(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${s}s] ${message}\n`);
}

/** What scenarios in their own files (6) get from the runner. */
const context: ScenarioContext = { reps: REPS, add, details, log, serverEnv, serverNodeArgs: SERVER_NODE_ARGS, tempDir };

async function profiled<T>(server: Child, name: string, last: boolean, work: () => Promise<T>): Promise<T> {
  if (!PROFILE || !last) return work();
  mkdirSync(PROFILE_DIR, { recursive: true });
  await server.call('profileStart');
  try {
    return await work();
  } finally {
    const file = join(PROFILE_DIR, `${name}.cpuprofile`);
    await server.call('profileStop', { file }, 60_000);
    const summary = summarise(JSON.parse(readFileSync(file, 'utf8')), 30);
    writeFileSync(join(PROFILE_DIR, `${name}.txt`), formatProfile(name, summary));
    log(`profile written: ${file}`);
  }
}

function formatProfile(name: string, { totalMs, byOrigin, byFunction }: ReturnType<typeof summarise>): string {
  const idle = byOrigin.find(([k]) => k === '((idle))' || k === '(idle)')?.[1] ?? 0;
  const busy = totalMs - idle;
  const line = ([k, v]: [string, number]) => `  ${v.toFixed(1).padStart(9)} ms ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`;
  return [`${name}: ${totalMs.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms busy`, 'self time by origin:', ...byOrigin.map(line), 'self time by function:', ...byFunction.map(line), ''].join('\n');
}

// ---------------------------------------------------------------------------------------------
// 1. Engine overhead versus LangGraph.js

interface EngineFigures {
  runs: number;
  wallMs: number;
  cpuUsPerRun: number;
  runsPerSecond: number;
  eventsPerRun: number;
}

/** Sums measured slices of one engine: CPU and runs add up, so the figure is total CPU over total runs. */
function addSlice(total: EngineFigures | undefined, slice: EngineFigures): EngineFigures {
  if (!total) return slice;
  const runs = total.runs + slice.runs;
  const wallMs = total.wallMs + slice.wallMs;
  return {
    runs,
    wallMs,
    cpuUsPerRun: (total.cpuUsPerRun * total.runs + slice.cpuUsPerRun * slice.runs) / runs,
    runsPerSecond: (runs / wallMs) * 1000,
    eventsPerRun: (total.eventsPerRun * total.runs + slice.eventsPerRun * slice.runs) / runs,
  };
}

/** Measured slices per engine and mode, taken in turn across the engines, and the length of each. */
const ENGINE_SLICES = 5;
const ENGINE_SLICE_MS = 300;

async function engine(): Promise<void> {
  const impls = ['ours', 'ours-core', 'langgraph', 'floor'] as const;
  const modes = [1, 50];
  const reps: Array<Record<string, EngineFigures>> = [];
  for (let rep = 0; rep < REPS; rep++) {
    const figures: Record<string, EngineFigures> = {};
    // One child per engine, all on core 0 and idle but for the one measuring. The engines are measured in
    // turn, a slice each, so that a drift of the machine's speed weighs on all of them alike.
    const children = new Map<string, Child>();
    try {
      for (const impl of impls) {
        children.set(impl, await Child.start(`s1-engine-${impl}`, 'engine/engine-bench', { core: 0, env: { NODE_ENV: 'production', ...(impl === 'ours' ? SERVER_ENV : {}) } }));
      }
      for (const concurrency of modes) {
        // Warm-up by time: the engines (ours as shipped most) keep getting faster for the first seconds (JIT, heap sizing).
        const warmupMs = concurrency === modes[0] ? 2500 : 1000;
        for (let slice = 0; slice < ENGINE_SLICES; slice++) {
          for (const impl of impls) {
            const warmup = slice === 0 ? { warmupRuns: 200_000, warmupMs } : { warmupRuns: 0, warmupMs: 0 };
            const measured: EngineFigures = await children.get(impl)!.call('measure', { impl, concurrency, ...warmup, maxRuns: 20_000, maxMs: ENGINE_SLICE_MS }, 30_000);
            figures[`${impl}@${concurrency}`] = addSlice(figures[`${impl}@${concurrency}`], measured);
          }
        }
        if (PROFILE && rep === REPS - 1) {
          mkdirSync(PROFILE_DIR, { recursive: true });
          for (const impl of impls.filter((i) => i.startsWith('ours'))) {
            const profile = join(PROFILE_DIR, `s1-${impl}-${concurrency}.cpuprofile`);
            await children.get(impl)!.call('measure', { impl, concurrency, warmupRuns: 0, warmupMs: 0, maxRuns: 20_000, maxMs: 1500, profileFile: profile }, 30_000);
            writeFileSync(profile.replace(/\.cpuprofile$/, '.txt'), formatProfile(`s1-${impl}-${concurrency}`, summarise(JSON.parse(readFileSync(profile, 'utf8')), 30)));
          }
        }
      }
    } finally {
      for (const child of children.values()) await child.stop();
    }
    reps.push(figures);
    log(`s1 rep ${rep + 1}: ours ${fmt(figures['ours@1'].cpuUsPerRun, 0)} | ${fmt(figures['ours@50'].cpuUsPerRun, 0)} us/run, langgraph ${fmt(figures['langgraph@1'].cpuUsPerRun, 0)} | ${fmt(figures['langgraph@50'].cpuUsPerRun, 0)} us/run (sequential | 50 concurrent)`);
  }
  details.s1 = reps;
  const S = '1 engine vs LangGraph';
  for (const c of modes) {
    const label = c === 1 ? 'sequential' : `${c} concurrent`;
    const ours = medianOf(reps, (r) => r[`ours@${c}`].cpuUsPerRun);
    const core = medianOf(reps, (r) => r[`ours-core@${c}`].cpuUsPerRun);
    const lg = medianOf(reps, (r) => r[`langgraph@${c}`].cpuUsPerRun);
    const floor = medianOf(reps, (r) => r[`floor@${c}`].cpuUsPerRun);
    const ratio = medianOf(reps, (r) => r[`ours@${c}`].cpuUsPerRun / r[`langgraph@${c}`].cpuUsPerRun);
    const coreRatio = medianOf(reps, (r) => r[`ours-core@${c}`].cpuUsPerRun / r[`langgraph@${c}`].cpuUsPerRun);
    const floorRatio = medianOf(reps, (r) => r[`floor@${c}`].cpuUsPerRun / r[`langgraph@${c}`].cpuUsPerRun);
    add(S, `CPU/run ${label}: ours (as shipped: telemetry + info logs) / LangGraph`, `${fmt(ours, 0)} us / ${fmt(lg, 0)} us = ${fmt(ratio, 3)}`, '<= 0.100', verdict(ratio <= 0.1));
    add(S, `CPU/run ${label}: ours, engine alone (no telemetry, no logs) / LangGraph`, `${fmt(core, 0)} us / ${fmt(lg, 0)} us = ${fmt(coreRatio, 3)}`, '(<= 0.100)', coreRatio <= 0.1 ? 'met' : 'MISSED');
    add(S, `CPU/run ${label}: floor (Promise.all + RxJS) / LangGraph`, `${fmt(floor, 1)} us / ${fmt(lg, 0)} us = ${fmt(floorRatio, 4)}`, '(~0.01)');
    add(
      S,
      `runs/s ${label}: ours | engine alone | LangGraph | floor`,
      `${fmt(medianOf(reps, (r) => r[`ours@${c}`].runsPerSecond), 0)} | ${fmt(medianOf(reps, (r) => r[`ours-core@${c}`].runsPerSecond), 0)} | ${fmt(medianOf(reps, (r) => r[`langgraph@${c}`].runsPerSecond), 0)} | ${fmt(medianOf(reps, (r) => r[`floor@${c}`].runsPerSecond), 0)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Event delivery under load

interface Delivery {
  serverLoop?: Record<string, number>;
  serverElu?: number;
  serverCpuMs?: number;
  timedOut: boolean;
  received: number;
  lost: number;
  duplicates: number;
  replayed: number;
  eventsPerRun: number;
  latencyMs: { n: number; p50: number; p99: number; max: number };
  subMsLatencyMs?: { n: number; p50: number; p99: number; max: number };
  latencyByKind?: Record<string, { n: number; p50: number; p99: number; max: number }>;
  eventsPerSecond: number;
  windowS: number;
  elu: number;
  peakElu: number;
  failedStarts?: number;
  failedSubscribes?: number;
}

async function delivery(): Promise<void> {
  const CLIENTS = 1000;
  const RUNS = 200;
  const PER_RUN = 5;
  const dataDir = tempDir();
  const scheduleFile = join(dataDir, 'schedule.json');
  const reps: Array<{ ours: Delivery; bare: Delivery }> = [];
  const server = await Child.start('s2-server', 'servers/app-server', { core: 0, env: serverEnv(dataDir, { OFFLINE_LATENCY_MS: REALISTIC_LATENCY }), execArgv: ['--max-old-space-size=2048', ...SERVER_NODE_ARGS] });
  const bare = await Child.start('s2-bare', 'servers/bare-server', { core: 0 });
  const client = await Child.start('s2-client', 'clients/delivery-client', { core: 1, execArgv: ['--max-old-space-size=2048'] });
  try {
    for (let rep = 0; rep < REPS; rep++) {
      const last = rep === REPS - 1;
      const connected = await client.call('connect', { url: server.info.url, count: CLIENTS }, 90_000);
      const ours: Delivery = await profiled(server, 's2-server', last, () =>
        withServerLoad(server, () => client.call('runOurs', { runs: RUNS, perRun: PER_RUN, timeoutMs: 100_000, scheduleFile }, 130_000)),
      );
      await client.call('disconnect');
      const runIds = (JSON.parse(readFileSync(scheduleFile, 'utf8')) as Array<{ runId: string }>).map((r) => r.runId);
      await client.call('connect', { url: bare.info.url, count: CLIENTS }, 90_000);
      await client.call('subscribeBare', { runIds, perRun: PER_RUN }, 60_000);
      await bare.call('play', { file: scheduleFile }, 30_000);
      const bareResult: Delivery = await client.call('awaitBare', { perRun: PER_RUN, timeoutMs: 100_000 }, 130_000);
      await client.call('disconnect');
      reps.push({ ours, bare: bareResult });
      log(
        `s2 rep ${rep + 1}: connect ${connected.ms} ms; ours p50/p99/max ${ours.latencyMs.p50}/${ours.latencyMs.p99}/${ours.latencyMs.max} ms, bare ${bareResult.latencyMs.p50}/${bareResult.latencyMs.p99}/${bareResult.latencyMs.max} ms, lost ${ours.lost}, dup ${ours.duplicates}, client ELU ${ours.elu}, server ELU ${ours.serverElu}, server loop ${JSON.stringify(ours.serverLoop)}`,
      );
    }
  } finally {
    await Promise.all([client.stop(), server.stop(), bare.stop()]);
  }
  details.s2 = { clients: CLIENTS, runs: RUNS, perRun: PER_RUN, offlineLatencyMs: REALISTIC_LATENCY, reps };
  const S = '2 event delivery';
  const elu = maxOf(reps, (r) => Math.max(r.ours.elu, r.bare.elu));
  const p99 = medianOf(reps, (r) => r.ours.latencyMs.p99);
  const bareP99 = medianOf(reps, (r) => r.bare.latencyMs.p99);
  const ratio = medianOf(reps, (r) => r.ours.latencyMs.p99 / Math.max(1, r.bare.latencyMs.p99));
  const lost = maxOf(reps, (r) => r.ours.lost);
  const dup = maxOf(reps, (r) => r.ours.duplicates);
  const timedOut = reps.some((r) => r.ours.timedOut || r.bare.timedOut);
  add(S, `latency ours p50 / p99 / max (${RUNS} runs x ${PER_RUN} of ${CLIENTS} clients)`, `${fmt(medianOf(reps, (r) => r.ours.latencyMs.p50), 0)} / ${fmt(p99, 0)} / ${fmt(medianOf(reps, (r) => r.ours.latencyMs.max), 0)} ms`, 'p99 <= 50 ms', verdict(p99 <= 50, elu));
  add(S, 'latency bare socket.io p50 / p99 / max', `${fmt(medianOf(reps, (r) => r.bare.latencyMs.p50), 0)} / ${fmt(bareP99, 0)} / ${fmt(medianOf(reps, (r) => r.bare.latencyMs.max), 0)} ms`);
  add(S, 'p99 ours / p99 bare (bare p99 floored at 1 ms)', fmt(ratio, 2), '<= 1.5', verdict(ratio <= 1.5, elu));
  add(S, 'events delivered/s ours | bare', `${fmt(medianOf(reps, (r) => r.ours.eventsPerSecond), 0)} | ${fmt(medianOf(reps, (r) => r.bare.eventsPerSecond), 0)}`);
  add(S, 'lost / duplicated events (worst repetition)', `${lost} / ${dup}${timedOut ? ' (a repetition timed out)' : ''}`, '0 / 0', verdict(lost === 0 && dup === 0 && !timedOut, elu));
  add(
    S,
    'ours, server side: event-loop utilisation | loop delay p99 | longest GC pause',
    `${fmt(medianOf(reps, (r) => r.ours.serverElu ?? NaN), 2)} | ${fmt(medianOf(reps, (r) => r.ours.serverLoop?.loopDelayP99Ms ?? NaN), 1)} ms | ${fmt(medianOf(reps, (r) => r.ours.serverLoop?.gcMaxMs ?? NaN), 1)} ms`,
  );
  add(S, 'client event-loop utilisation (worst repetition, ours | bare)', `${fmt(maxOf(reps, (r) => r.ours.elu), 2)} | ${fmt(maxOf(reps, (r) => r.bare.elu), 2)}`, `<= ${SATURATED} to be valid`);
}

// ---------------------------------------------------------------------------------------------
// 3. Time to first artifact and overhead; 4. Cancel latency

type Summary = { n: number; p50: number; p99: number; max: number };

async function llmScenario(name: string, llmArgs: Record<string, unknown>, env: Record<string, string>, work: (client: Child, server: Child, llmUrl: string) => Promise<void>): Promise<void> {
  const dataDir = tempDir();
  const client = await Child.start(`${name}-client`, 'clients/llm-client', { core: 1 });
  try {
    const { baseUrl } = await client.call('startLlm', llmArgs);
    const server = await Child.start(`${name}-server`, 'servers/app-server', {
      core: 0,
      execArgv: SERVER_NODE_ARGS,
      env: serverEnv(dataDir, { LLM_PROVIDER: 'openai', OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-bench-not-a-secret', LLM_MAX_RETRIES: '0', ...env }),
    });
    try {
      await client.call('connect', { url: server.info.url, count: 10 }, 30_000);
      await work(client, server, baseUrl);
    } finally {
      await server.stop();
    }
  } finally {
    await client.stop();
  }
}

type Overheads = { firstArtifactOverheadMs: Summary; totalOverheadMs: Summary };
type FirstArtifactRep = Overheads & {
  nominal: Overheads;
  llmLatenessMs: Summary;
  states: Record<string, number>;
  regenerated: number;
  phasesMs: Record<string, Summary>;
  startToFirstLlmRequestMs: Summary;
  llmAnswerToArtifactEventMs: Summary;
};

/** A server in service has run its code many times: warm the JIT up with 150 concurrent runs (about 3 s), then a few sequential ones. */
async function warmUpFirstArtifact(client: Child): Promise<void> {
  await client.call('warmConcurrently', { concurrent: 50, rounds: 3, timeoutMs: 20_000 }, 90_000);
  await client.call('firstArtifact', { runs: 0, warmup: 3, timeoutMs: 10_000 }, 60_000);
}

const firstArtifactRep = (client: Child): Promise<FirstArtifactRep> => client.call('firstArtifact', { runs: 8, warmup: 0, timeoutMs: 10_000 }, 60_000);

/** Every run ended Completed at its first attempt: the critical path is the one the overheads assume. */
const cleanRuns = (reps: FirstArtifactRep[]) => reps.every((r) => r.regenerated === 0 && Object.keys(r.states).join() === 'Completed');

/** The bare peer (servers/bare-llm-server) on core 0, driven by the same client and LLM test server as ours. */
async function bareFirstArtifact(client: Child, llmUrl: string): Promise<FirstArtifactRep[]> {
  const reps: FirstArtifactRep[] = [];
  const bare = await Child.start('s3-bare', 'servers/bare-llm-server', { core: 0, env: { OPENAI_BASE_URL: llmUrl } });
  try {
    await client.call('connect', { url: bare.info.url, count: 10, replace: true }, 30_000);
    await warmUpFirstArtifact(client);
    for (let rep = 0; rep < REPS; rep++) {
      const result = await firstArtifactRep(client);
      reps.push(result);
      log(`s3 bare rep ${rep + 1}: first artifact overhead p50 ${fmt(result.firstArtifactOverheadMs.p50)} ms, total overhead p50 ${fmt(result.totalOverheadMs.p50)} ms, ${JSON.stringify(result.states)}`);
    }
  } finally {
    await bare.stop();
  }
  return reps;
}

async function firstArtifact(): Promise<void> {
  const reps: FirstArtifactRep[] = [];
  let bare: FirstArtifactRep[] = [];
  let cold = { hotUs: NaN, coldUs: NaN, factor: NaN };
  await llmScenario('s3', { delays: FIXED_DELAYS }, { LLM_STREAM: 'false' }, async (client, server, llmUrl) => {
    await warmUpFirstArtifact(client);
    for (let rep = 0; rep < REPS; rep++) {
      const result = await profiled(server, 's3-server', rep === REPS - 1, () => firstArtifactRep(client));
      reps.push(result);
      if (rep === 0) cold = await server.call('coldFactor', {}, 30_000);
      log(`s3 rep ${rep + 1}: first artifact overhead p50 ${fmt(result.firstArtifactOverheadMs.p50)} ms, total overhead p50 ${fmt(result.totalOverheadMs.p50)} ms, ${JSON.stringify(result.states)}`);
    }
    // Ours stops first: the bare peer gets core 0 to itself, as ours had.
    await server.stop();
    bare = await bareFirstArtifact(client, llmUrl);
  });
  details.s3 = { delaysMs: FIXED_DELAYS, reps, bare, cold };
  const S = '3 first artifact';
  const first = medianOf(reps, (r) => r.firstArtifactOverheadMs.p50);
  const total = medianOf(reps, (r) => r.totalOverheadMs.p50);
  const clean = cleanRuns(reps);
  add(S, `time to first artifact - fastest agent (as served: ${FIXED_DELAYS.campaign_copy} ms + the test server's lateness), p50 | p99`, `${fmt(first)} | ${fmt(medianOf(reps, (r) => r.firstArtifactOverheadMs.p99))} ms`, '<= 5 ms', verdict(first <= 5));
  const nominalPath = Math.max(FIXED_DELAYS.campaign_copy, FIXED_DELAYS.social_posts, FIXED_DELAYS.poster_concepts) + FIXED_DELAYS.audit_reports;
  add(S, `total time - critical path (as served: ${nominalPath} ms + lateness), p50 | p99`, `${fmt(total)} | ${fmt(medianOf(reps, (r) => r.totalOverheadMs.p99))} ms${clean ? '' : ' (some runs regenerated!)'}`, '<= 10 ms', verdict(total <= 10 && clean));
  add(S, `the same against the nominal delays (${FIXED_DELAYS.campaign_copy} | ${nominalPath} ms), p50: first | total`, `${fmt(medianOf(reps, (r) => r.nominal.firstArtifactOverheadMs.p50))} | ${fmt(medianOf(reps, (r) => r.nominal.totalOverheadMs.p50))} ms`);
  const bareFirst = medianOf(bare, (r) => r.firstArtifactOverheadMs.p50);
  const bareTotal = medianOf(bare, (r) => r.totalOverheadMs.p50);
  const bareNote = cleanRuns(bare) ? '' : ' (some bare runs not Completed!)';
  const peer = 'bare peer (socket.io + openai SDK, no store, no engine)';
  add(S, `${peer}: time to first artifact - fastest agent, p50 | p99`, `${fmt(bareFirst)} | ${fmt(medianOf(bare, (r) => r.firstArtifactOverheadMs.p99))} ms${bareNote}`);
  add(S, `${peer}: total time - critical path, p50 | p99`, `${fmt(bareTotal)} | ${fmt(medianOf(bare, (r) => r.totalOverheadMs.p99))} ms${bareNote}`);
  add(S, 'ours - bare, p50: first artifact | total', `${fmt(first - bareFirst)} | ${fmt(total - bareTotal)} ms`);
  const legs = (r: FirstArtifactRep[]) => `${fmt(medianOf(r, (x) => x.startToFirstLlmRequestMs.p50))} | ${fmt(medianOf(r, (x) => x.llmAnswerToArtifactEventMs.p50))}`;
  add(S, 'run:start -> first LLM request | fastest answer -> its event at the client, p50: ours ; bare', `${legs(reps)} ; ${legs(bare)} ms`);
  add(S, 'test server lateness per LLM call (answered - received - nominal delay), p50 | p99', `${fmt(medianOf(reps, (r) => r.llmLatenessMs.p50))} | ${fmt(medianOf(reps, (r) => r.llmLatenessMs.p99))} ms`);
  add(S, 'the server after 300 ms idle: the same JSON round trip of an artifact event, hot | cold (factor)', `${fmt(cold.hotUs, 0)} | ${fmt(cold.coldUs, 0)} us (${fmt(cold.factor, 1)}x)`);
  const phase = (k: string) => fmt(medianOf(reps, (r) => r.phasesMs[k].p50));
  add(S, 'where (p50, ms; server stamps are ms): start->Queued | ->LLM request | LLM answer->event | event->client', `${phase('startToQueued')} | ${phase('queuedToLlmRequest')} | ${phase('llmAnswerToCompletedEvent')} | ${phase('completedEventToReceipt')}`);
}

async function cancelLatency(): Promise<void> {
  const reps: Array<Record<'socket' | 'rest', { toEventMs: Summary; toCloseMs: Summary; elu: number; notCancelled: string[] }>> = [];
  // Streamed answers: first token after 400 ms, then a token every 10 ms (100 tokens/s) for 6 s.
  await llmScenario('s4', { delays: { campaign_copy: 400, social_posts: 400, poster_concepts: 400, audit_reports: 400 }, stream: { chunkDelayMs: 10, deltas: 600 } }, { LLM_STREAM: 'true' }, async (client, server) => {
    for (let rep = 0; rep < REPS; rep++) {
      const last = rep === REPS - 1;
      const rec = {} as (typeof reps)[number];
      for (const via of ['socket', 'rest'] as const) {
        rec[via] = await profiled(server, `s4-server-${via}`, last, () =>
          client.call('cancel', { via, batches: 3, warmupBatches: rep === 0 ? 1 : 0, perBatch: 10, gapMs: 20, timeoutMs: 5000 }, 90_000),
        );
      }
      reps.push(rec);
      log(`s4 rep ${rep + 1}: socket p99 ${fmt(rec.socket.toEventMs.p99)}/${fmt(rec.socket.toCloseMs.p99)} ms, rest p99 ${fmt(rec.rest.toEventMs.p99)}/${fmt(rec.rest.toCloseMs.p99)} ms`);
    }
  });
  details.s4 = reps;
  const S = '4 cancel';
  const elu = maxOf(reps, (r) => Math.max(r.socket.elu, r.rest.elu));
  const allCancelled = reps.every((r) => r.socket.notCancelled.length === 0 && r.rest.notCancelled.length === 0);
  for (const via of ['socket', 'rest'] as const) {
    for (const [what, key] of [
      ['Cancelled event at the client', 'toEventMs'],
      ['LLM connections closed at the test server', 'toCloseMs'],
    ] as const) {
      const p99 = medianOf(reps, (r) => r[via][key].p99);
      add(S, `${via === 'socket' ? 'run:cancel' : 'POST /cancel'} -> ${what}, p50 | p99`, `${fmt(medianOf(reps, (r) => r[via][key].p50))} | ${fmt(p99)} ms`, 'p99 <= 50 ms', verdict(p99 <= 50 && allCancelled, elu));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Throughput and memory

interface Throughput {
  serverElu?: number;
  serverCpuMs?: number;
  completed: number;
  /** Runs of the warm-up, inside the window of serverCpuMs. */
  warmupCompleted: number;
  seconds: number;
  runsPerSecond: number;
  gaps: number;
  states: Record<string, number>;
  elu: number;
}

const KiB = 1024;

async function throughputAndMemory(): Promise<void> {
  const reps: Throughput[] = [];
  const dataDir = tempDir();
  const server = await Child.start('s5-server', 'servers/app-server', { core: 0, env: serverEnv(dataDir, { OFFLINE_LATENCY_MS: '0' }), execArgv: SERVER_NODE_ARGS });
  const client = await Child.start('s5-client', 'clients/throughput-client', { core: 1 });
  try {
    await client.call('connect', { url: server.info.url, count: 10 }, 30_000);
    for (let rep = 0; rep < REPS; rep++) {
      const result: Throughput = await profiled(server, 's5-server', rep === REPS - 1, () =>
        withServerLoad(server, () => client.call('throughput', { inflight: 50, warmupRuns: rep === 0 ? 300 : 50, maxRuns: 5000, maxMs: 4000, timeoutMs: 20_000 }, 60_000)),
      );
      reps.push(result);
      log(`s5 rep ${rep + 1}: ${result.runsPerSecond} runs/s (${result.completed} runs, gaps ${result.gaps}, ${JSON.stringify(result.states)}, client ELU ${result.elu}, server ELU ${result.serverElu}, server CPU ${fmt((result.serverCpuMs ?? 0) / (result.completed + result.warmupCompleted), 2)} ms/run)`);
    }
  } finally {
    await Promise.all([client.stop(), server.stop()]);
  }

  // Memory: resident set (after full GCs) before and after connecting idle clients, then with active runs.
  const CLIENTS = 1000;
  const ACTIVE_RUNS = 200;
  const memory: Array<Record<'oursRss' | 'oursHeap' | 'bareRss' | 'bareHeap' | 'runRss' | 'runHeap', number>> = [];
  for (let rep = 0; rep < REPS; rep++) {
    const ours = await Child.start('s5-memory-server', 'servers/app-server', {
      core: 0,
      env: serverEnv(tempDir(), { OFFLINE_LATENCY_MS: '25000', AGENT_TIMEOUT_MS: '60000' }),
      execArgv: ['--expose-gc'],
    });
    const bare = await Child.start('s5-memory-bare', 'servers/bare-server', { core: 0, execArgv: ['--expose-gc'] });
    const mem = await Child.start('s5-memory-client', 'clients/throughput-client', { core: 1 });
    try {
      const measure = async (server: Child, withRuns: boolean) => {
        await mem.call('connect', { url: server.info.url, count: 100 }, 60_000);
        await mem.call('disconnect');
        const m0 = await server.call('memory');
        await mem.call('connect', { url: server.info.url, count: CLIENTS }, 90_000);
        const m1 = await server.call('memory');
        let m2 = m1;
        if (withRuns) {
          await mem.call('startRuns', { count: ACTIVE_RUNS }, 60_000);
          m2 = await server.call('memory');
        }
        await mem.call('disconnect');
        return { m0, m1, m2 };
      };
      const o = await measure(ours, true);
      const b = await measure(bare, false);
      // JS-visible memory: V8 heap in use plus memory held outside it (buffers).
      const js = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
      memory.push({
        oursRss: (o.m1.rss - o.m0.rss) / CLIENTS / KiB,
        oursHeap: (js(o.m1) - js(o.m0)) / CLIENTS / KiB,
        bareRss: (b.m1.rss - b.m0.rss) / CLIENTS / KiB,
        bareHeap: (js(b.m1) - js(b.m0)) / CLIENTS / KiB,
        runRss: (o.m2.rss - o.m1.rss) / ACTIVE_RUNS / KiB,
        runHeap: (js(o.m2) - js(o.m1)) / ACTIVE_RUNS / KiB,
      });
      log(`s5 memory rep ${rep + 1}: ${JSON.stringify(memory[memory.length - 1], (_, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`);
    } finally {
      await Promise.all([mem.stop(), ours.stop(), bare.stop()]);
    }
  }
  details.s5 = { throughput: reps, memory };
  const S = '5 throughput, memory';
  const rps = medianOf(reps, (r) => r.runsPerSecond);
  const elu = maxOf(reps, (r) => r.elu);
  const gaps = reps.reduce((a, r) => a + r.gaps, 0);
  add(S, 'full runs/s (zero-latency agents, SQLite, 1 subscriber, 50 in flight)', `${fmt(rps, 0)}${gaps ? ` (${gaps} runs with gaps!)` : ''}`, '>= 300', verdict(rps >= 300 && gaps === 0, elu));
  add(S, 'server CPU per full run | server event-loop utilisation', `${fmt(medianOf(reps, (r) => (r.serverCpuMs ?? 0) / (r.completed + r.warmupCompleted)), 2)} ms | ${fmt(medianOf(reps, (r) => r.serverElu ?? NaN), 2)}`);
  // RSS growth can understate (pages freed by earlier GCs are reused), so the verdict takes the larger of the two.
  const perClient = medianOf(memory, (m) => Math.max(m.oursRss, m.oursHeap));
  add(S, `memory per connected client: ours, the larger of RSS | JS heap+external growth (${CLIENTS} clients)`, `${fmt(medianOf(memory, (m) => m.oursRss))} | ${fmt(medianOf(memory, (m) => m.oursHeap))} KiB`, '<= 40 KiB', verdict(perClient <= 40));
  add(S, 'memory per connected client: bare socket.io, RSS | JS heap+external growth', `${fmt(medianOf(memory, (m) => m.bareRss))} | ${fmt(medianOf(memory, (m) => m.bareHeap))} KiB`, '(~30 KiB)');
  add(S, `memory per active run, RSS | JS heap+external (${ACTIVE_RUNS} runs in generation, 1 subscriber each)`, `${fmt(medianOf(memory, (m) => m.runRss))} | ${fmt(medianOf(memory, (m) => m.runHeap))} KiB`);
}

// ---------------------------------------------------------------------------------------------
// Runner

const SCENARIOS: Array<{ id: string; name: string; run: () => Promise<void>; budgetMs: number }> = [
  { id: 's1', name: '1 engine vs LangGraph', run: engine, budgetMs: 150_000 },
  { id: 's2', name: '2 event delivery', run: delivery, budgetMs: 300_000 },
  { id: 's3', name: '3 first artifact', run: firstArtifact, budgetMs: 120_000 },
  { id: 's4', name: '4 cancel', run: cancelLatency, budgetMs: 90_000 },
  { id: 's5', name: '5 throughput, memory', run: throughputAndMemory, budgetMs: 150_000 },
  { id: 's6', name: '6 scale-out', run: () => scaleOut(context), budgetMs: 150_000 },
];

function table(): string {
  const header: Row = { scenario: 'scenario', figure: 'figure', value: 'value', target: 'target', verdict: 'verdict' as Verdict };
  const all = [header, ...rows];
  const width = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  const line = (r: Row) => (['scenario', 'figure', 'value', 'target', 'verdict'] as const).map((k) => r[k].padEnd(width(k))).join(' | ');
  return [line(header), (['scenario', 'figure', 'value', 'target', 'verdict'] as const).map((k) => '-'.repeat(width(k))).join('-|-'), ...rows.map(line)].join('\n');
}

function markdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| scenario | figure | value | target | verdict |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${esc(r.scenario)} | ${esc(r.figure)} | ${esc(r.value)} | ${esc(r.target)} | ${r.verdict === 'MISSED' ? '**MISSED**' : r.verdict} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  log(`node ${process.version}, ${cpus().length} cores, pinning: ${pinning}, ${REPS} repetitions, scenarios ${[...ONLY].join(',')}${PROFILE ? ', profiling' : ''}${Object.keys(SERVER_ENV).length ? `, DIAGNOSTIC server env ${JSON.stringify(SERVER_ENV)}` : ''}${SERVER_NODE_ARGS.length ? `, DIAGNOSTIC server node args ${SERVER_NODE_ARGS.join(' ')}` : ''}`);
  for (const scenario of SCENARIOS) {
    if (!ONLY.has(scenario.id)) continue;
    const elapsed = performance.now() - started;
    if (elapsed + scenario.budgetMs * 0.6 > BUDGET_MS) {
      add(scenario.name, '(all)', '', '', 'not run (time budget)');
      continue;
    }
    const t0 = performance.now();
    log(`${scenario.name}...`);
    try {
      const run = scenario.run();
      run.catch(() => undefined); // after a timeout its children are stopped and it rejects late: not unhandled
      await within(Math.min(scenario.budgetMs, BUDGET_MS - elapsed), scenario.name, run);
    } catch (error) {
      add(scenario.name, 'error', error instanceof Error ? error.message.split('\n')[0].slice(0, 160) : String(error), '', 'ERROR');
      log(`${scenario.name} failed: ${error instanceof Error ? error.stack : String(error)}`);
    } finally {
      await stopAll();
    }
    log(`${scenario.name}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const summary = {
    date: new Date().toISOString(),
    serverEnv: SERVER_ENV,
    serverNodeArgs: SERVER_NODE_ARGS,
    profiling: PROFILE,
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    pinning,
    repetitions: REPS,
    wallSeconds: Math.round((performance.now() - started) / 1000),
    rows,
    details,
  };
  writeFileSync(join(ROOT, 'dist-bench', 'results.json'), JSON.stringify(summary, null, 2));
  writeFileSync(join(ROOT, 'dist-bench', 'results.md'), `${markdown()}\n`);
  const caveat = [
    PROFILE ? 'PROFILED (figures distorted)' : '',
    Object.keys(SERVER_ENV).length ? `DIAGNOSTIC server env ${JSON.stringify(SERVER_ENV)}` : '',
    SERVER_NODE_ARGS.length ? `DIAGNOSTIC server node args ${SERVER_NODE_ARGS.join(' ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  console.log(`\nBenchmarks (median of ${REPS} repetitions; node ${process.version}; ${cpus().length} cores; pinning: ${pinning}; ${summary.wallSeconds} s${caveat ? `; ${caveat}` : ''})\n`);
  console.log(table());
  console.log(`\nEvery repetition: dist-bench/results.json; markdown table: dist-bench/results.md; child logs: ${LOG_DIR}`);
}

runMain(main, tempDirs);
