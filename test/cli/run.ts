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

let queue: Promise<unknown> = Promise.resolve();

/**
 * The CLI's `main` called in this process with captured output: the same command tree, parsing,
 * exit codes and wording as the bin, without a node start-up and a module load per call (the
 * tests that are about the process itself use `run`). Calls are serialized because they may
 * change the working directory.
 */
export function cli(args: string[], cwd: string = root): Promise<CliRun> {
  const call = async (): Promise<CliRun> => {
    const { main } = await import('../../bin/cli');
    let out = '';
    let err = '';
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const code = await main(['node', 'anygate', ...args], { out: (s) => (out += s), err: (s) => (err += s), color: false });
      return { code, out, err };
    } finally {
      process.chdir(before);
    }
  };
  const result = queue.then(call, call);
  queue = result.catch(() => undefined);
  return result;
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
