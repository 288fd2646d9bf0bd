/**
 * CLI start-up, as ratios to a bare `node -e 0` measured in the same run (interleaved, so machine
 * load hits every command alike): `anygate --help`, `anygate --version` and `anygate validate` of the
 * petstore YAML. Goals (issue 16): --help and --version at most 5x, validate well under a second.
 *
 *   npm run build && npx tsx bench/cli.ts [repeats]
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const bin = path.join(root, 'bin', 'anygate.js');
const repeats = Number(process.argv[2] ?? 15);

const cases: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'anygate --help': [bin, '--help'],
  'anygate --version': [bin, '--version'],
  'anygate validate petstore': [bin, 'validate', 'examples/petstore/gateway.yaml'],
};

function once(args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const args of Object.values(cases)) once(args); // warm the file cache
for (let i = 0; i < repeats; i++) for (const [name, args] of Object.entries(cases)) times[name]!.push(once(args));

const base = median(times['node -e 0']!);
console.log(`median of ${repeats} interleaved runs (ms); ratio to node -e 0`);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  console.log(`${name.padEnd(28)} ${m.toFixed(0).padStart(6)} ms  ${(m / base).toFixed(2).padStart(6)}x`);
}
const help = median(times['anygate --help']!) / base;
const version = median(times['anygate --version']!) / base;
const validate = median(times['anygate validate petstore']!);
console.log(`goals: --help <= 5x: ${help <= 5 ? 'met' : 'NOT met'} (${help.toFixed(2)}x); --version <= 5x: ${version <= 5 ? 'met' : 'NOT met'} (${version.toFixed(2)}x); validate < 1000 ms: ${validate < 1000 ? 'met' : 'NOT met'} (${validate.toFixed(0)} ms, ${(validate / base).toFixed(2)}x)`);
