/**
 * Cold spec loading, phase by phase, two builds interleaved: each run is a fresh Node process that
 * loads the bench gateway once through a build's dist/ (parseDataFile, then validateGateway) and
 * reports the CPU (user + sys, every thread: the JIT's and the collector's threads count) of each
 * phase and of both. Loading runs once per command, so the cold figure is the one that matters;
 * and a phase that got cheaper can hand its cost to the next one (the collector copies what the
 * first phase left in the young generation, the compiler finishes its jobs later), so read the
 * total before a phase.
 *
 *   npm run build && BENCH_BEFORE=/path/to/other/checkout npx tsx bench/spec-load.ts
 *
 * BENCH_BEFORE: another checkout's root (with dist/ built), run alternately with this one.
 * BENCH_RUNS: pairs (default 10). BENCH_ROUTES: gateway size (default 2000).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { generateGateway } from './gen-spec';

const runs = Number(process.env.BENCH_RUNS ?? 10);
const routes = Number(process.env.BENCH_ROUTES ?? 2000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The child: load `file` with the dist/ under `root`, print the phases' CPU in ms as JSON. */
const CHILD = `
const [root, file] = process.argv.slice(1);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const { parseDataFile } = require(root + '/dist/lib/model/load.js');
const { validateGateway } = require(root + '/dist/lib/model/normalize.js');
const text = require('node:fs').readFileSync(file, 'utf8');
const a = cpu();
const parsed = parseDataFile(text, file);
const b = cpu();
const result = validateGateway(parsed.data);
const c = cpu();
if (!result.spec) throw new Error('the bench gateway did not validate');
console.log(JSON.stringify({ parse: b - a, validate: c - b, total: c - a }));
`;

type Phases = { parse: number; validate: number; total: number };

function once(root: string, file: string): Phases {
  return JSON.parse(execFileSync(process.execPath, ['-e', CHILD, root, file], { encoding: 'utf8' })) as Phases;
}

const work = mkdtempSync(path.join(tmpdir(), 'anygate-spec-load-'));
try {
  const file = path.join(work, `gateway-${routes}.yaml`);
  writeFileSync(file, stringify(generateGateway(routes)));
  const here = path.resolve(__dirname, '..');
  const builds = [...(process.env.BENCH_BEFORE ? [{ name: 'before', root: path.resolve(process.env.BENCH_BEFORE) }] : []), { name: process.env.BENCH_BEFORE ? 'after' : 'this', root: here }];
  const got = builds.map((): Phases[] => []);
  builds.forEach((b) => once(b.root, file)); // warm-up: the file cache
  const load = [loadavg()[0]!];
  for (let i = 0; i < runs; i++) builds.forEach((b, j) => got[j]!.push(once(b.root, file)));
  load.push(loadavg()[0]!);
  console.log(`## cold spec loading, ${routes} routes, median of ${runs} runs per build (builds alternating), CPU ms\n`);
  console.log('| build | parseDataFile | validateGateway | both |');
  console.log('|---|---|---|---|');
  builds.forEach((b, j) => {
    const m = (k: keyof Phases) => median(got[j]!.map((r) => r[k])).toFixed(0);
    console.log(`| ${b.name} (${b.root}) | ${m('parse')} | ${m('validate')} | ${m('total')} |`);
  });
  console.log(`\nload average (1 min) at the start and the end: ${load.map((l) => l.toFixed(1)).join(', ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
