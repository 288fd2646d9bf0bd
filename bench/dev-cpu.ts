/**
 * CPU per request of `anygate dev` against a peer proxy, one run, interleaved rounds.
 *
 * The peer is what a user would write instead: node:http in front of an undici pool, jose's
 * jwtVerify against the same JWKS on every request, a scope check, and the response streamed back
 * (about 20 lines, bench/dev-cpu-child.cjs). Each gateway runs in its own child process, plain
 * Node over the compiled build (dist/, what `anygate dev` runs); the parent drives requests at a
 * local backend through it and reads the child's own CPU time (user + system, process.cpuUsage
 * over IPC) before and after each round, so the load generator and the backend are not counted.
 * Rounds alternate dev, one gateway per profile (aws: the generated authorizer behind API
 * Gateway's result cache; azure, apigee, kubernetes: a JWT verification per request), and the
 * peer; the result is the median microseconds per request and the ratio dev / peer (goal: at most
 * 1.0). BENCH_PROFILES=aws,apigee picks profiles (default all four).
 *
 * Tokens: every request carries a token of its own (a pool of distinct tokens, signed before the
 * rounds, each gateway walking it from the start), so no gateway's cache of verified tokens or
 * authorizer results answers for it: the aws profile pays its authorizer as the peer pays jose.
 * BENCH_TOKENS=N cycles through N tokens instead (1: one token, every cache hit).
 *
 * Two loads, each its own rounds:
 * - 1,000 requests/s, open loop (the goal's figure, with p50 latencies); on a loaded machine every
 *   gateway queues and the CPU per request moves with the queue;
 * - BENCH_SEQUENTIAL=N (default 2000; 0 skips): N requests one after another on one connection,
 *   which does not depend on the machine's load.
 *
 *   npm run build && npx tsx bench/dev-cpu.ts     (BENCH_SECONDS=2 per round, BENCH_ROUNDS=5)
 *
 * BENCH_CHILD_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p' passes Node flags to the gateways' processes
 * (they exit cleanly at the end, so profiles are written).
 *
 * BENCH_DEV_BEFORE=/path/to/another/checkout (built: its dist/ is run) adds that build's rows, one
 * per profile, its rounds interleaved with this build's, for a before/after comparison in one run.
 * Also used by bench/goals.ts (`devCpu`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Pool } from 'undici';
import { toGatewaySpec } from '../lib/model';

const RATE = 1000;
const ROOT = path.resolve(__dirname, '..');

/** The spec's input: one JWT-protected route with a scope, to an HTTP backend. */
const SPEC = {
  name: 'bench',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  authorizers: { jwt: { type: 'jwt', issuer: 'https://login.example.com/', jwksUri: 'https://login.example.com/.well-known/jwks.json', audiences: ['bench'], algorithms: ['RS256'] } },
  routes: [{ id: 'items', method: 'GET', path: '/items/{id}', backend: 'api', auth: ['jwt'], scopes: ['items:read'] }],
};

type DevProfile = 'aws' | 'azure' | 'apigee' | 'kubernetes';
type Kind = DevProfile | 'peer';
type Row = Kind | 'direct';
const DEV_PROFILES: readonly DevProfile[] = ['aws', 'azure', 'apigee', 'kubernetes'];
const WARM_UP = 2000;

/** A local backend answering a small JSON body. */
export async function backend(): Promise<{ url: string; close: () => Promise<void> }> {
  const body = JSON.stringify({ id: 1, name: 'item', tags: ['a', 'b'] });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

interface Gateway {
  /** The row's name: the kind, with ' (before)' for BENCH_DEV_BEFORE's build. */
  readonly name: string;
  readonly kind: Row;
  readonly child?: ChildProcess;
  readonly pool: Pool;
  /** One connection, for the sequential rounds. */
  readonly single: Pool;
  cpu(): Promise<number>;
  /** The next token's index in the pool (each gateway walks the pool from its start). */
  next: number;
}

/** The newest modification time under `dir` of files ending in `ext`. */
function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Refuses to measure a dist/ older than this checkout's sources: the figures would be an old build's. */
function checkBuilt(): void {
  const built = path.join(ROOT, 'dist', 'dev', 'server.js');
  let at: number;
  try {
    at = statSync(built).mtimeMs;
  } catch {
    throw new Error(`bench/dev-cpu.ts runs the compiled gateway and ${built} is missing: run npm run build first`);
  }
  // The build's info file is written by every build; an incremental build leaves unchanged outputs (server.js among them) as they were.
  try {
    at = Math.max(at, statSync(path.join(ROOT, 'dist', 'tsconfig.build.tsbuildinfo')).mtimeMs);
  } catch {
    // no info file: the output's own time
  }
  if (Math.max(newest(path.join(ROOT, 'dev'), '.ts'), newest(path.join(ROOT, 'lib'), '.ts')) > at) throw new Error('dist/ is older than dev/ or lib/: run npm run build first');
}

async function start(kind: Kind, backendUrl: string, root = ROOT, name: string = kind): Promise<Gateway> {
  const child = fork(path.join(__dirname, 'dev-cpu-child.cjs'), [kind, backendUrl, root], { execArgv: (process.env.BENCH_CHILD_ARGS ?? '').split(' ').filter(Boolean), stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, BENCH_SPEC: JSON.stringify(SPEC) } });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`${name} gateway exited ${code}`)));
  });
  const cpu = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu.user + m.cpu.system));
      child.send('cpu');
    });
  return { name, kind, child, pool: new Pool(url, { connections: 32 }), single: new Pool(url, { connections: 1 }), cpu, next: 0 };
}

/** The gateway's child exits (cleanly: a profile asked for by BENCH_CHILD_ARGS is written). */
async function stop(g: Gateway): Promise<void> {
  const child = g.child;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.send('exit');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
  child.kill();
}

/** The headers of gateway `g`'s next request: the next token of the pool. */
function next(g: Gateway, tokens: readonly Record<string, string>[]): Record<string, string> {
  return tokens[g.next++ % tokens.length]!;
}

async function one(pool: Pool, headers: Record<string, string>): Promise<void> {
  const r = await pool.request({ method: 'GET', path: '/items/1', headers });
  await r.body.dump();
  if (r.statusCode !== 200) throw new Error(`unexpected status ${r.statusCode}`);
}

/** `n` requests at RATE per second (open loop): the gateway's CPU microseconds per request, and each request's latency (ms). */
async function round(g: Gateway, tokens: readonly Record<string, string>[], n: number, latencies: number[]): Promise<number> {
  const before = await g.cpu();
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(one(g.pool, next(g, tokens)).then(() => void latencies.push(performance.now() - t0)));
  }
  await Promise.all(pending);
  return ((await g.cpu()) - before) / n;
}

/** `n` requests one after another on one connection: the gateway's CPU microseconds per request. */
async function sequentialRound(g: Gateway, tokens: readonly Record<string, string>[], n: number): Promise<number> {
  const before = await g.cpu();
  for (let i = 0; i < n; i++) await one(g.single, next(g, tokens));
  return ((await g.cpu()) - before) / n;
}

const median = (xs: number[] | undefined) => (xs?.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);

export interface DevCpuResult {
  /** Median CPU microseconds per request at RATE req/s, per gateway (NaN for a profile BENCH_PROFILES left out). */
  readonly us: Record<Kind, number>;
  /** dev / peer CPU per request at RATE req/s, per profile (NaN for one left out). */
  readonly ratio: Record<DevProfile, number>;
  /** p50 latency (ms) at RATE req/s, per gateway and straight to the backend ('direct'); NaN for a profile left out. */
  readonly p50: Record<Row, number>;
  /** Distinct tokens the requests carried. */
  readonly tokens: number;
  /** Median CPU microseconds per request of the sequential rounds, per row name (BENCH_SEQUENTIAL > 0). */
  readonly sequential?: Record<string, number>;
  /** BENCH_DEV_BEFORE's rows at RATE req/s: CPU microseconds per request and p50 ms, by row name. */
  readonly before?: { readonly us: Record<string, number>; readonly p50: Record<string, number> };
}

/** The profiles BENCH_PROFILES names (default all four). */
function profilesToRun(): DevProfile[] {
  const asked = (process.env.BENCH_PROFILES ?? DEV_PROFILES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of asked) if (!DEV_PROFILES.includes(p as DevProfile)) throw new Error(`BENCH_PROFILES: ${JSON.stringify(p)} is not a profile; profiles: ${DEV_PROFILES.join(', ')}`);
  return asked as DevProfile[];
}

/** `n` distinct tokens for the bench's route (a subject each), as request headers. */
async function tokenPool(n: number): Promise<Record<string, string>[]> {
  const { mockToken } = await import('../dev/mock-idp');
  const spec = toGatewaySpec(SPEC as never);
  return Array.from({ length: n }, (_, i) => ({ authorization: `Bearer ${mockToken(spec, { authorizer: 'jwt', scopes: ['items:read'], expiresInSeconds: 3600, sub: `bench-user-${i}` })}` }));
}

/** Median CPU microseconds per request of each gateway, dev / peer for each dev profile, and p50 latencies. */
export async function devCpu(seconds = Number(process.env.BENCH_SECONDS ?? 2), rounds = Number(process.env.BENCH_ROUNDS ?? 5), sequential = Number(process.env.BENCH_SEQUENTIAL ?? 2000), beforeRoot = process.env.BENCH_DEV_BEFORE): Promise<DevCpuResult> {
  checkBuilt();
  process.env.ANYGATE_DEV_HOME ??= mkdtempSync(path.join(tmpdir(), 'anygate-dev-bench-'));
  const profiles = profilesToRun();
  // A token per request a gateway gets in the whole run, unless BENCH_TOKENS asks for fewer.
  const tokens = await tokenPool(Number(process.env.BENCH_TOKENS ?? WARM_UP + rounds * (RATE * seconds + sequential)));
  const b = await backend();
  const gateways: Gateway[] = [{ name: 'direct', kind: 'direct', pool: new Pool(b.url, { connections: 32 }), single: new Pool(b.url, { connections: 1 }), cpu: async () => 0, next: 0 }];
  try {
    for (const k of [...profiles, 'peer'] as const) gateways.push(await start(k, b.url));
    if (beforeRoot) for (const k of profiles) gateways.push(await start(k, b.url, path.resolve(beforeRoot), `${k} (before)`));
    for (const g of gateways) for (let i = 0; i < WARM_UP; i++) await one(g.pool, next(g, tokens)); // warm-up: JIT, pools
    const samples: Record<string, number[]> = Object.fromEntries(gateways.map((g) => [g.name, []]));
    const seq: Record<string, number[]> = Object.fromEntries(gateways.map((g) => [g.name, []]));
    const lat: Record<string, number[]> = Object.fromEntries(gateways.map((g) => [g.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const g of gateways) samples[g.name]!.push(await round(g, tokens, RATE * seconds, lat[g.name]!));
      if (sequential > 0) for (const g of gateways) if (g.child) seq[g.name]!.push(await sequentialRound(g, tokens, sequential));
    }
    const all = [...DEV_PROFILES, 'peer'] as const;
    const us = Object.fromEntries(all.map((k) => [k, median(samples[k])])) as DevCpuResult['us'];
    const p50 = Object.fromEntries(['direct', ...all].map((k) => [k, median(lat[k])])) as DevCpuResult['p50'];
    const befores = gateways.filter((g) => g.name.endsWith('(before)'));
    return {
      us,
      ratio: Object.fromEntries(DEV_PROFILES.map((k) => [k, us[k] / us.peer])) as DevCpuResult['ratio'],
      p50,
      tokens: tokens.length,
      ...(sequential > 0 ? { sequential: Object.fromEntries(gateways.filter((g) => g.child).map((g) => [g.name, median(seq[g.name]!)])) } : {}),
      ...(befores.length ? { before: { us: Object.fromEntries(befores.map((g) => [g.name, median(samples[g.name]!)])), p50: Object.fromEntries(befores.map((g) => [g.name, median(lat[g.name]!)])) } } : {}),
    };
  } finally {
    for (const g of gateways) {
      await g.pool.close();
      await g.single.close();
      await stop(g);
    }
    await b.close();
  }
}

async function main(): Promise<void> {
  const r = await devCpu();
  const { us, ratio, p50 } = r;
  const seq = r.sequential;
  const rows: [string, string, number, number][] = [
    ...DEV_PROFILES.filter((k) => !Number.isNaN(us[k])).map((k): [string, string, number, number] => [`anygate dev --profile ${k}`, k, us[k], p50[k]]),
    ...Object.entries(r.before?.us ?? {}).map(([name, v]): [string, string, number, number] => [`anygate dev --profile ${name.replace(' (before)', '')}, BENCH_DEV_BEFORE build`, name, v, r.before!.p50[name]!]),
    ['peer proxy (jose + undici)', 'peer', us.peer, p50.peer],
  ];
  console.log(`gateway CPU per request (child process user+sys, median of interleaved rounds; ${r.tokens} distinct tokens)`);
  console.log(`| gateway | CPU us per request at ${RATE} req/s | / peer | p50 ms | p50 over direct |${seq ? ' CPU us per request, sequential | / peer |' : ''}`);
  console.log(`|---|---|---|---|---|${seq ? '---|---|' : ''}`);
  for (const [label, name, v, p] of rows) console.log(`| ${label} | ${v.toFixed(0)} | ${(v / us.peer).toFixed(2)} | ${p.toFixed(3)} | +${(p - p50.direct).toFixed(3)} |${seq ? ` ${seq[name]!.toFixed(0)} | ${(seq[name]! / seq.peer!).toFixed(2)} |` : ''}`);
  console.log(`| direct to the backend | - | - | ${p50.direct.toFixed(3)} | - |${seq ? ' - | - |' : ''}`);
  console.log(`goal: dev CPU per request <= the peer's at ${RATE} req/s: ${Object.entries(ratio).filter(([, v]) => !Number.isNaN(v)).map(([k, v]) => `${k} ${v <= 1 ? 'met' : 'MISSED'}`).join(', ')}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
