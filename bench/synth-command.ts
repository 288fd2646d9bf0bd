/**
 * The whole `anygate synth` command as a user runs it, at 10 and 2,000 routes: the compiled CLI
 * (`npm run build` first), the bench/gen-spec.ts gateway written as YAML, a fresh out dir per run.
 * Per target and for every target at once: median wall and CPU (user + sys) seconds over the runs
 * from /usr/bin/time (children included: AWS bundles its handlers with esbuild), peak RSS, and the
 * 2,000/10 ratios the goal is stated in (at most 3x; peak RSS under 1 GB). Sizes alternate run by
 * run, so a machine that slows down mid-run hits both alike.
 *
 *   npm run build && npx tsx bench/synth-command.ts [runs]     (BENCH_TARGETS=azure,apigee to narrow)
 *
 * BENCH_INCREMENTAL=1 times a second synth into the out dir the first one wrote (unchanged spec:
 * no file is rewritten), the case of `anygate synth` run again after an edit elsewhere.
 *
 * BENCH_BIN=/path/to/bin/anygate.js times another build (say, a worktree at the commit before a
 * change); TMPDIR picks the file system the specs and out dirs live on (say, /dev/shm to see how
 * much of the time is the disk's).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { generateGateway } from './gen-spec';

const root = path.join(__dirname, '..');
const bin = process.env.BENCH_BIN ?? path.join(root, 'bin', 'anygate.js');
const TIME = '/usr/bin/time';
const runs = Number(process.argv[2] ?? 5);
const SIZES = [10, 2000] as const;
const targets = (process.env.BENCH_TARGETS ?? 'aws,azure,apigee,kubernetes,all').split(',');

export interface Run {
  wall: number;
  cpu: number;
  rssMb: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * One synth into a fresh out dir, timed by /usr/bin/time (wall, user, sys, max RSS in KB).
 * @param cli the bin/anygate.js to run. @default BENCH_BIN, else this checkout's
 */
export function once(specFile: string, target: string, work: string, cli = bin): Run {
  const out = mkdtempSync(path.join(work, 'out-'));
  const stats = path.join(work, 'time.txt');
  const synthArgs = [cli, 'synth', specFile, '--out', out, ...(target === 'all' ? ['--target', 'aws,azure,apigee,kubernetes'] : ['--target', target])];
  const env = { ...process.env, ANYGATE_FROM_SOURCE: '' };
  if (process.env.BENCH_INCREMENTAL === '1') spawnSync(process.execPath, synthArgs, { encoding: 'utf8', env });
  const r = spawnSync(TIME, ['-f', '%e %U %S %M', '-o', stats, process.execPath, ...synthArgs], { encoding: 'utf8', env });
  // Exit 1 is a target that refused the spec (reported in the manifest); anything else is a crash.
  if ((r.status !== 0 && r.status !== 1) || /unexpected error/.test(r.stderr)) throw new Error(`synth ${target} ${specFile} exited ${r.status}: ${r.stderr}`);
  if (!existsSync(path.join(out, 'manifest.json'))) throw new Error(`synth ${target} ${specFile} wrote no manifest: ${r.stderr}`);
  const [wall, user, sys, rssKb] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(out, { recursive: true, force: true });
  return { wall: wall!, cpu: user! + sys!, rssMb: Math.round(rssKb! / 1024) };
}

function main(): void {
  if (!existsSync(path.join(path.dirname(bin), '..', 'dist', 'bin', 'cli.js'))) throw new Error('no dist/: run npm run build first');
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed for CPU and peak memory figures`);
  const work = mkdtempSync(path.join(tmpdir(), 'anygate-synth-command-'));
  try {
    // The kubernetes row synthesizes a gateway Envoy Gateway can serve (the full one is refused
    // for its caches and redaction, which would time the refusal); the other rows the full one.
    const spec = (n: number, target: string) => {
      const file = path.join(work, `gateway-${n}${target === 'kubernetes' ? '-k8s' : ''}.yaml`);
      if (!existsSync(file)) writeFileSync(file, stringify(generateGateway(n, { kubernetes: target === 'kubernetes' })));
      return file;
    };
    console.log(`whole command, compiled CLI (${bin}), ${process.env.BENCH_INCREMENTAL === '1' ? 'second synth into the out dir of a first (incremental)' : 'fresh out dir'} under ${tmpdir()}; median of ${runs} runs (sizes alternating); wall and CPU (user+sys) seconds`);
    console.log('');
    console.log('| target | 10 routes wall / CPU | 2,000 routes wall / CPU | ratio wall | ratio CPU | peak RSS at 2,000 |');
    console.log('|---|---|---|---|---|---|');
    for (const target of targets) {
      const got: Record<number, Run[]> = { 10: [], 2000: [] };
      for (const n of SIZES) once(spec(n, target), target, work); // warm-up: file cache, compile cache
      for (let i = 0; i < runs; i++) for (const n of SIZES) got[n]!.push(once(spec(n, target), target, work));
      const m = (n: number, k: keyof Run) => median(got[n]!.map((r) => r[k]));
      const rss = Math.max(...got[2000]!.map((r) => r.rssMb));
      console.log(
        `| ${target === 'all' ? 'every target at once' : target} | ${m(10, 'wall').toFixed(2)} s / ${m(10, 'cpu').toFixed(2)} s | ${m(2000, 'wall').toFixed(2)} s / ${m(2000, 'cpu').toFixed(2)} s | ${(m(2000, 'wall') / m(10, 'wall')).toFixed(1)}x | ${(m(2000, 'cpu') / m(10, 'cpu')).toFixed(1)}x | ${rss} MB${rss < 1024 ? '' : ' (OVER 1 GB)'} |`,
      );
    }
    console.log('');
    console.log('goal: 2,000 routes within 3x the 10-route time per target and for every target at once; peak RSS under 1 GB');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) main();
