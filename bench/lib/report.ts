/**
 * What every scenario reports with: verdicts, number formats, medians over repetitions, the
 * server's load over a measured window, and the runner's context a scenario in its own file gets.
 */
import type { Child } from './proc';
import { median } from './stats';

export type Verdict = 'met' | 'MISSED' | 'invalid (client saturated)' | '' | 'ERROR' | 'not run (time budget)';

/** A client whose event loop is busier than this measures itself, not the server. */
export const SATURATED = 0.8;

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const medianOf = <T>(reps: T[], pick: (r: T) => number) => median(reps.map(pick));
export const maxOf = <T>(reps: T[], pick: (r: T) => number) => Math.max(...reps.map(pick));

export function verdict(ok: boolean, clientElu?: number): Verdict {
  if (clientElu !== undefined && clientElu > SATURATED) return 'invalid (client saturated)';
  return ok ? 'met' : 'MISSED';
}

export interface ServerLoad {
  serverElu: number;
  serverCpuMs: number;
  serverLoop: Record<string, number>;
}

/** Runs `work` and adds the server's event-loop utilisation and CPU time over it (`serverElu`, `serverCpuMs`). */
export async function withServerLoad<T extends object>(server: Child, work: () => Promise<T>): Promise<T & ServerLoad> {
  const [e0, c0] = [await server.call('elu'), await server.call('cpu'), await server.call('loopStats')];
  const result = await work();
  const [e1, c1, serverLoop] = [await server.call('elu'), await server.call('cpu'), await server.call('loopStats')];
  const active = e1.active - e0.active;
  const idle = e1.idle - e0.idle;
  return {
    ...result,
    serverElu: Math.round((active / Math.max(1e-9, active + idle)) * 1000) / 1000,
    serverCpuMs: Math.round((c1.user + c1.system - c0.user - c0.system) / 1000),
    serverLoop,
  };
}

/** What the runner hands a scenario that lives in its own file. */
export interface ScenarioContext {
  /** Repetitions (`--reps`): every figure is the median over them. */
  reps: number;
  /** Adds a row to the table. */
  add(scenario: string, figure: string, value: string, target?: string, v?: Verdict): void;
  /** Written to results.json under the scenario's id. */
  details: Record<string, unknown>;
  log(message: string): void;
  /** Our server's environment (production, loopback, offline model, store in `dataDir`) plus `extra`. */
  serverEnv(dataDir: string, extra?: Record<string, string>): Record<string, string>;
  /** Extra node flags of our server processes (diagnostics only). */
  serverNodeArgs: string[];
  /** A fresh temporary folder, removed when the runner exits. */
  tempDir(): string;
}
