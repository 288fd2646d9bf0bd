/** Runs the `anygate` bin (the compiled CLI, see test/build.ts) as a user would. */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'anygate.js');

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

export function run(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Any command, asynchronously (so that two can run at once), without colour. */
export function spawnAsync(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

export function runAsync(args: string[], cwd: string = root): Promise<CliRun> {
  return spawnAsync(process.execPath, [bin, ...args], cwd);
}

/** Runs jobs at most two at a time: each synth loads every cloud SDK, and the machines have 2 cores. */
export async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}
