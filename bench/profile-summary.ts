/**
 * Summarises V8 CPU profiles (`node --cpu-prof`): self time per function and per origin (our
 * code, a package, Node internals, GC, idle). Usage: node dist-bench/bench/profile-summary.js <file.cpuprofile|dir> [top]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: `ours:<file>`, `<package>`, `node:<module>` or a V8 pseudo-frame. */
export function originOf(url: string, name: string): string {
  if (!url) return `(${name || 'anonymous'})`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/dist/');
  if (src >= 0) return `ours:${url.slice(src + '/dist/'.length)}`;
  return url.replace(/^file:\/\//, '');
}

export function summarise(profile: Profile, top = 25): { totalMs: number; byOrigin: Array<[string, number]>; byFunction: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // The first delta runs from Profiler.start to the first tick: it is the inspector's own dispatch, not the program's.
  for (let i = 1; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id)!;
    const origin = originOf(callFrame.url, callFrame.functionName);
    const fn = `${callFrame.functionName || '(anonymous)'} ${origin}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    total += us;
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, v / 1000] as [string, number]);
  return { totalMs: total / 1000, byOrigin: sorted(byOrigin), byFunction: sorted(byFunction) };
}

function main(): void {
  const [target, topText] = process.argv.slice(2);
  if (!target) throw new Error('usage: profile-summary <file.cpuprofile|dir> [top]');
  const files = statSync(target).isDirectory() ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f)) : [target];
  for (const file of files) {
    const { totalMs, byOrigin, byFunction } = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(topText ?? 25));
    const busy = totalMs - (byOrigin.find(([k]) => k === '(idle)')?.[1] ?? 0);
    console.log(`\n${file}: ${totalMs.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms not idle`);
    console.log('  self time by origin:');
    for (const [k, v] of byOrigin) console.log(`    ${v.toFixed(1).padStart(9)} ms  ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
    console.log('  self time by function:');
    for (const [k, v] of byFunction) console.log(`    ${v.toFixed(1).padStart(9)} ms  ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
}

if (require.main === module) main();
