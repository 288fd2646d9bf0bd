/**
 * apigeelint in the test process: its bundle linter (apigeelint/lib/package/bundleLinter.js, what
 * its CLI calls) loaded once per Jest worker and called per bundle with the configuration the CLI
 * builds for `apigeelint -s DIR/apiproxy --profile apigeex -f json.js`. The CLI's Node start is
 * about 0.3 s of CPU, but most of a bundle's cost was its rule PO025, which runs ESLint's CLI in a
 * new Node process for each JavaScript resource, twice when no eslint.config is found (about 1 s
 * of CPU a bundle). Those runs go to ESLint's CLI in a worker thread instead (test/eslint-thread.cjs),
 * with the same arguments, working directory and output; every other process apigeelint starts
 * still starts. test/apigee/apigeelint.test.ts shows broken bundles reported; the slow tier
 * (apigeelint.slow.test.ts) that the reports equal the CLI's.
 */
import type { SpawnSyncReturns } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** One file's findings, as `apigeelint -f json.js` prints them. */
export interface LintReport {
  filePath: string;
  messages: { ruleId: string; severity: number; message: string; line?: number; column?: number }[];
}

const load = createRequire(__filename);
// The CommonJS module object itself (PO025 calls cp.spawnSync on it at each run), not a copy of its exports.
const childProcess = load('node:child_process') as typeof import('node:child_process');
const PO025 = load.resolve('apigeelint/lib/package/plugins/PO025-eslint.js');
/** The ESLint entry PO025 runs: `path.join(require.resolve("eslint"), "../../bin/eslint.js")` from its own folder. */
const ESLINT_BIN = path.join(createRequire(PO025).resolve('eslint'), '../../bin/eslint.js');
/** Longest wait for one ESLint run before the thread counts as lost. */
const ESLINT_TIMEOUT_MS = 120_000;

let bundleLinter: { lint(config: object, done: (bundle: { getReport(): LintReport[] } | null, error: unknown) => void): void } | undefined;
let thread: { signal: Int32Array; port: MessagePort } | undefined;

/** ESLint's CLI with these arguments, in the thread (started on first use); spawnSync's answer. */
function eslintInThread(args: string[]): SpawnSyncReturns<string> {
  if (!thread) {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(path.join(__dirname, 'eslint-thread.cjs'), { workerData: { signal, port: port2, eslintBin: ESLINT_BIN }, transferList: [port2] });
    worker.unref();
    port1.unref();
    thread = { signal, port: port1 };
  }
  const { signal, port } = thread;
  Atomics.store(signal, 0, 0);
  port.postMessage({ args });
  if (Atomics.wait(signal, 0, 0, ESLINT_TIMEOUT_MS) === 'timed-out') {
    thread = undefined;
    throw new Error(`ESLint (apigeelint PO025) gave no answer in ${ESLINT_TIMEOUT_MS / 1000} s: ${args.join(' ')}`);
  }
  const { status, stdout, stderr } = receiveMessageOnPort(port)!.message as { status: number; stdout: string; stderr: string };
  return { pid: 0, output: [null, stdout, stderr], stdout, stderr, status, signal: null };
}

/** Lints one bundle as the CLI does, from the bundle folder (its ESLint pass ignores files outside the working directory). */
function lintOne(dir: string): LintReport[] {
  const linter = (bundleLinter ??= load('apigeelint/lib/package/bundleLinter.js') as NonNullable<typeof bundleLinter>);
  const config = {
    debug: true,
    source: { type: 'filesystem', path: path.join(dir, 'apiproxy'), sourcePath: path.join(dir, 'apiproxy'), bundleType: 'apiproxy' },
    complexConditionTermCount: 12,
    policyCountLimit: 100,
    excluded: {},
    maxWarnings: -1,
    profile: 'apigeex',
    formatter: 'json.js',
    output: () => undefined,
    setExitCode: false,
  };
  const spawnSync = childProcess.spawnSync;
  const cwd = process.cwd();
  let report: LintReport[] | undefined;
  let failure: unknown;
  childProcess.spawnSync = ((cmd: string, args: string[], options: object) =>
    cmd === 'node' && args?.[0] === ESLINT_BIN ? eslintInThread(args.slice(1)) : spawnSync(cmd, args, options)) as typeof spawnSync;
  try {
    process.chdir(dir);
    // Synchronous for a bundle on disk (lib/package/Bundle.js): done has run when lint returns.
    linter.lint(config, (bundle, error) => (error || !bundle ? (failure = error ?? new Error('no bundle')) : (report = bundle.getReport())));
  } finally {
    childProcess.spawnSync = spawnSync;
    process.chdir(cwd);
  }
  if (failure || !report) throw new Error(`apigeelint failed on ${dir}: ${failure instanceof Error ? failure.message : String(failure ?? 'no report')}`);
  return report;
}

/** apigeelint --profile apigeex on unpacked bundles (each dir holds apiproxy/): each dir's report, keyed by the dir as given. */
export function apigeelintReports(dirs: string[]): Record<string, LintReport[]> {
  return Object.fromEntries(dirs.map((d) => [d, lintOne(path.resolve(d))]));
}
