/**
 * Where the time goes, by difference: the same measurement on servers that differ in one setting,
 * started side by side and measured in interleaved rounds within one run (absolute times drift on
 * a shared machine; differences measured minutes apart would not be trustworthy). Not part of
 * `npm run bench`; run `npm run bench:build && node dist-bench/bench/diagnose.js [--rounds 3]`.
 *
 * Variants of the server (diagnostic only, never the shipped configuration except `shipped`):
 *  - shipped: as main.ts starts it (OpenTelemetry SDK started, pino logs at info, one line per event)
 *  - no-logs: LOG_LEVEL=silent
 *  - no-logs-no-otel: LOG_LEVEL=silent and the OpenTelemetry SDK not started (its API stays a no-op)
 *  - tmpfs-store: shipped, with the SQLite store on /dev/shm (is it the disk or the CPU?)
 * Measures full runs/s (scenario 5) and the first-artifact / total overheads (scenario 3).
 */
import './lib/alias';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child, runMain, stopAll } from './lib/proc';
import { median } from './lib/stats';

const args = process.argv.slice(2);
const ROUNDS = Math.max(1, Math.min(5, Number(args[args.indexOf('--rounds') + 1]) || 3));
const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

const VARIANTS: Record<string, (dir: string) => Record<string, string>> = {
  shipped: () => ({}),
  'no-logs': () => ({ LOG_LEVEL: 'silent' }),
  'no-logs-no-otel': () => ({ LOG_LEVEL: 'silent', BENCH_NO_TELEMETRY: '1' }),
  'tmpfs-store': () => ({ DATA_DIR: mkdtempSync(join(shm, 'orchestrator-bench-')) }),
};

const dirs: string[] = [];
process.once('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function env(extra: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'orchestrator-bench-'));
  dirs.push(dir);
  const out = { NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, AUTH_TOKENS: '', COSMOS_ENDPOINT: '', SHUTDOWN_MODE: 'cancel', SHUTDOWN_GRACE_MS: '0', LLM_PROVIDER: 'offline', TENANT_RUN_STARTS_PER_MINUTE: '0', TENANT_MAX_ACTIVE_RUNS: '0', ...extra };
  if (out.DATA_DIR !== dir) dirs.push(out.DATA_DIR);
  return out;
}

async function throughput(): Promise<Record<string, number[]>> {
  const servers: Record<string, Child> = {};
  const clients: Record<string, Child> = {};
  for (const [name, extra] of Object.entries(VARIANTS)) {
    servers[name] = await Child.start(`diag-s5-${name}`, 'servers/app-server', { core: 0, env: env({ OFFLINE_LATENCY_MS: '0', ...extra('') }) });
    clients[name] = await Child.start(`diag-s5-client-${name}`, 'clients/throughput-client', { core: 1 });
    await clients[name].call('connect', { url: servers[name].info.url, count: 10 });
    await clients[name].call('throughput', { inflight: 50, warmupRuns: 300, maxRuns: 0, maxMs: 3000, timeoutMs: 20_000 }, 60_000);
  }
  const out: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(VARIANTS)) {
      const cpu0 = await servers[name].call('cpu');
      const r = await clients[name].call('throughput', { inflight: 50, warmupRuns: 20, maxRuns: 3000, maxMs: 3000, timeoutMs: 20_000 }, 60_000);
      const cpu1 = await servers[name].call('cpu');
      (out[name] ??= []).push(r.runsPerSecond);
      (out[`${name} cpu ms/run`] ??= []).push((cpu1.user + cpu1.system - cpu0.user - cpu0.system) / 1000 / (r.completed + r.warmupCompleted));
      process.stderr.write(`s5 round ${round + 1} ${name}: ${r.runsPerSecond} runs/s\n`);
    }
  }
  await stopAll();
  return out;
}

async function firstArtifact(): Promise<Record<string, number[]>> {
  const client = await Child.start('diag-s3-client', 'clients/llm-client', { core: 1 });
  const { baseUrl } = await client.call('startLlm', { delays: { campaign_copy: 300, social_posts: 500, poster_concepts: 800, audit_reports: 200 } });
  const out: Record<string, number[]> = {};
  const servers: Record<string, Child> = {};
  for (const [name, extra] of Object.entries(VARIANTS)) {
    servers[name] = await Child.start(`diag-s3-${name}`, 'servers/app-server', {
      core: 0,
      env: env({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-bench-not-a-secret', LLM_MAX_RETRIES: '0', ...extra('') }),
    });
  }
  // One client process (hosting the LLM every variant talks to) drives each server in turn.
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(VARIANTS)) {
      await client.call('connect', { url: servers[name].info.url, count: 1, replace: true });
      const r = await client.call('firstArtifact', { runs: 6, warmup: round === 0 ? 3 : 1, timeoutMs: 10_000 }, 60_000);
      (out[`${name} first`] ??= []).push(r.firstArtifactOverheadMs.p50);
      (out[`${name} total`] ??= []).push(r.totalOverheadMs.p50);
      process.stderr.write(`s3 round ${round + 1} ${name}: first ${r.firstArtifactOverheadMs.p50.toFixed(1)} ms, total ${r.totalOverheadMs.p50.toFixed(1)} ms\n`);
    }
  }
  await stopAll();
  return out;
}

async function main(): Promise<void> {
  const results = { ...(await throughput()), ...(await firstArtifact()) };
  console.log(`\nDiagnosis (${ROUNDS} interleaved rounds; median)\n`);
  for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(32)} ${median(v).toFixed(2).padStart(8)}   (${v.map((x) => x.toFixed(1)).join(', ')})`);
}

runMain(main, dirs);
