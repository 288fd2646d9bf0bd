/**
 * Every goal of issue #29 in one run, each comparison interleaved (its two sides alternate run by
 * run or round by round, so a machine that slows down mid-run hits both alike):
 * - `anygate synth` at 2,000 vs 10 routes, CPU (user + sys, children included) of the whole
 *   compiled command, per target and every target at once: ratio <= 3x; peak RSS < 1 GB
 *   (bench/synth-command.ts runs the pairs);
 * - the generated authorizer against a minimal aws-jwt-verify handler per call (RS256, ES256; 10
 *   and 2,000 routes): >= 1.2x; first call at 2,000 routes: <= 1.0x; JWT-only bundle <= 8 KB
 *   (bench/authorizer.ts);
 * - `anygate dev`: p50 overhead at 1,000 req/s < 1 ms, CPU per request <= a jose + undici peer
 *   proxy's (bench/dev-cpu.ts).
 *
 *   npm run build && npx tsx bench/goals.ts      (BENCH_RUNS=3 synth pairs; BENCH_PARTS=synth,authorizer,dev; BENCH_TARGETS=all)
 *
 * BENCH_BEFORE=/path/to/bin/anygate.js (another build, say a checkout of the commit before a
 * change) adds a `before` row per target to the synth table, its runs interleaved with this
 * build's (before and after alternate within each size, sizes alternate), so both rows see the
 * same machine; the verdicts are this build's.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { generateGateway } from './gen-spec';
import { once, type Run } from './synth-command';
import { firstCall, JWT_ONLY_OMITTED, perCall } from './authorizer';
import { devCpu } from './dev-cpu';
import { handlerCode } from '../lib/runtime/bundle';
import { JwksServer } from '../test/runtime/jwt-kit';

const parts = (process.env.BENCH_PARTS ?? 'synth,authorizer,dev').split(',');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const verdicts: string[] = [];
const verdict = (what: string, value: string, ok: boolean) => verdicts.push(`| ${what} | ${value} | ${ok ? 'met' : 'NOT MET'} |`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function synth(work: string): void {
  const spec = (n: number, target: string) => {
    const file = path.join(work, `gateway-${n}${target === 'kubernetes' ? '-k8s' : ''}.yaml`);
    if (!existsSync(file)) writeFileSync(file, stringify(generateGateway(n, { kubernetes: target === 'kubernetes' })));
    return file;
  };
  const before = process.env.BENCH_BEFORE;
  const builds = before ? [{ name: 'before', cli: before }, { name: 'after', cli: undefined }] : [{ name: '', cli: undefined }];
  console.log(`## synth, compiled CLI, fresh out dir, median of ${runs} pairs (10 and 2,000 routes alternating${before ? `; before (${before}) and after alternating` : ''})\n`);
  console.log(`| target${before ? ' | build' : ''} | 10 routes CPU s | 2,000 routes CPU s | ratio CPU | peak RSS at 2,000 |`);
  console.log(`|---${before ? '|---' : ''}|---|---|---|---|`);
  const loads = [loadavg()[0]!];
  for (const target of (process.env.BENCH_TARGETS ?? 'aws,azure,apigee,kubernetes,all').split(',')) {
    const got = builds.map((): Record<number, Run[]> => ({ 10: [], 2000: [] }));
    for (const n of [10, 2000]) for (const b of builds) once(spec(n, target), target, work, b.cli); // warm-up
    for (let i = 0; i < runs; i++) for (const n of [10, 2000]) builds.forEach((b, j) => got[j]![n]!.push(once(spec(n, target), target, work, b.cli)));
    let ratio = 0;
    let rss = 0;
    builds.forEach((b, j) => {
      const cpu = (n: number) => median(got[j]![n]!.map((r) => r.cpu));
      rss = Math.max(...got[j]![2000]!.map((r) => r.rssMb));
      ratio = cpu(2000) / cpu(10);
      console.log(`| ${target}${before ? ` | ${b.name}` : ''} | ${cpu(10).toFixed(2)} | ${cpu(2000).toFixed(2)} | ${ratio.toFixed(2)}x | ${rss} MB |`);
    });
    verdict(`synth ${target === 'all' ? 'every target at once' : target}, 2,000 / 10 routes CPU (<= 3x)`, `${ratio.toFixed(2)}x`, ratio <= 3);
    if (target === 'all') verdict('synth peak RSS at 2,000 routes, every target (< 1 GB)', `${rss} MB`, rss < 1024);
    loads.push(loadavg()[0]!);
  }
  console.log(`\nload average (1 min) at the start and after each target: ${loads.map((l) => l.toFixed(1)).join(', ')}\n`);
}

async function authorizer(work: string): Promise<void> {
  const lines: string[] = [];
  const goals: string[] = [];
  const server = new JwksServer();
  const base = await server.start();
  try {
    await perCall(work, server, base, lines, goals);
    await firstCall(work, lines, goals);
  } finally {
    await server.stop();
  }
  console.log('## authorizer\n');
  console.log(lines.join('\n'));
  console.log('');
  for (const g of goals) {
    const perCallRatio = /^(\w+) (\d+) routes, (\w+) token: shipped \/ aws-jwt-verify handler ([\d.]+)x.*?ceiling[^:]*: ([\d.]+)x/.exec(g);
    if (perCallRatio) verdict(`authorizer per call, ${perCallRatio[1]} at ${perCallRatio[2]} routes, ${perCallRatio[3]} token, / aws-jwt-verify handler (>= 1.2x; ceiling: bare verify / aws-jwt-verify)`, `${perCallRatio[4]}x (ceiling ${perCallRatio[5]}x)`, Number(perCallRatio[4]) >= 1.2);
    if (/shipped \/ before/.test(g)) console.log(g);
    const first = /^first call CPU: anygate \/ aws-jwt-verify handler ([\d.]+)/.exec(g);
    if (first) verdict('authorizer first call at 2,000 routes, CPU / aws-jwt-verify handler (<= 1.0x)', `${first[1]}x`, Number(first[1]) <= 1);
  }
  const size = Buffer.byteLength(handlerCode('authorizer', JWT_ONLY_OMITTED));
  verdict('authorizer bundle, JWT-only spec (<= 8,192 bytes)', `${size} bytes`, size <= 8192);
}

async function dev(): Promise<void> {
  const r = await devCpu();
  console.log('## anygate dev at 1,000 req/s (gateway CPU from its own process)\n');
  console.log('| gateway | CPU us per request | / peer | p50 ms |');
  console.log('|---|---|---|---|');
  for (const k of ['aws', 'apigee', 'peer'] as const) console.log(`| ${k === 'peer' ? 'peer proxy (jose + undici)' : `anygate dev --profile ${k}`} | ${r.us[k].toFixed(0)} | ${(r.us[k] / r.us.peer).toFixed(2)} | ${r.p50[k].toFixed(3)} |`);
  console.log(`| direct to the backend | - | - | ${r.p50.direct.toFixed(3)} |\n`);
  for (const k of ['aws', 'apigee'] as const) {
    verdict(`dev --profile ${k} p50 overhead at 1,000 req/s (< 1 ms)`, `+${(r.p50[k] - r.p50.direct).toFixed(3)} ms`, r.p50[k] - r.p50.direct < 1);
    verdict(`dev --profile ${k} CPU per request / peer proxy (<= 1.0x)`, `${r.ratio[k].toFixed(2)}x`, r.ratio[k] <= 1);
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'anygate-goals-'));
  try {
    if (parts.includes('synth')) synth(work);
    if (parts.includes('authorizer')) await authorizer(work);
    if (parts.includes('dev')) await dev();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log('## goals (issue #29)\n');
  console.log('| goal | measured | |');
  console.log('|---|---|---|');
  for (const v of verdicts) console.log(v);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
