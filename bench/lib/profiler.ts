/**
 * A CPU profile of a chosen window of this process (the same V8 sampling profiler and file format
 * as `node --cpu-prof`, but started and stopped around the measured part only).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

let session: Session | undefined;

function post(method: string, params?: object): Promise<any> {
  return new Promise((resolve, reject) => session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
}

export const profiler = {
  async start(): Promise<void> {
    if (session) return;
    session = new Session();
    session.connect();
    await post('Profiler.enable');
    // Diagnostic: BENCH_PROFILE_INTERVAL_US=50 for a fine timeline of a lightly loaded server.
    await post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 1000) });
    await post('Profiler.start');
  },
  /** Stops the profile and writes it to `file` (a .cpuprofile). */
  async stop({ file }: { file: string }): Promise<{ file: string }> {
    if (!session) throw new Error('profiler not started');
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    session = undefined;
    writeFileSync(file, JSON.stringify(profile));
    return { file };
  },
};
