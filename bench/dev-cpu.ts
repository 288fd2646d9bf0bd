/**
 * CPU per request of `anygate dev` against a peer proxy, one run, interleaved rounds.
 *
 * The peer is what a user would write instead: node:http in front of an undici pool, jose's
 * jwtVerify against the same JWKS on every request, a scope check, and the response streamed back
 * (about 20 lines, bench/dev-cpu-child.cjs). Each gateway runs in its own child process, plain
 * Node over the compiled build (dist/, what `anygate dev` runs); the parent drives requests at a
 * local backend through it and reads the child's own CPU time (user + system, process.cpuUsage
 * over IPC) before and after each round, so the load generator and the backend are not counted.
 * Rounds alternate dev (aws profile: the generated authorizer behind API Gateway's result cache;
 * apigee profile: a full JWT verification per request) and the peer; the result is the median
 * microseconds per request and the ratio dev / peer (goal: at most 1.0).
 *
 * Two loads, each its own rounds:
 * - 1,000 requests/s, open loop (the goal's figure, with p50 latencies); on a loaded machine every
 *   gateway queues and the CPU per request moves with the queue;
 * - BENCH_SEQUENTIAL=N (default 2000; 0 skips): N requests one after another on one connection,
 *   which does not depend on the machine's load.
 *
 *   npm run build && npx tsx bench/dev-cpu.ts     (BENCH_SECONDS=2 per round, BENCH_ROUNDS=5)
 *
 * BENCH_DEV_BEFORE=/path/to/another/checkout (built: its dist/ is run) adds that build's aws and
 * apigee rows, its rounds interleaved with this build's, for a before/after comparison in one run.
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

type Kind = 'aws' | 'apigee' | 'peer';
type Row = Kind | 'direct';

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
  if (Math.max(newest(path.join(ROOT, 'dev'), '.ts'), newest(path.join(ROOT, 'lib'), '.ts')) > at) throw new Error('dist/ is older than dev/ or lib/: run npm run build first');
}

async function start(kind: Kind, backendUrl: string, root = ROOT, name: string = kind): Promise<Gateway> {
  const child = fork(path.join(__dirname, 'dev-cpu-child.cjs'), [kind, backendUrl, root], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, BENCH_SPEC: JSON.stringify(SPEC) } });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`${name} gateway exited ${code}`)));
  });
  const cpu = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu.user + m.cpu.system));
      child.send('cpu');
    });
  return { name, kind, child, pool: new Pool(url, { connections: 32 }), single: new Pool(url, { connections: 1 }), cpu };
}

async function one(pool: Pool, headers: Record<string, string>): Promise<void> {
  const r = await pool.request({ method: 'GET', path: '/items/1', headers });
  await r.body.dump();
  if (r.statusCode !== 200) throw new Error(`unexpected status ${r.statusCode}`);
}

/** `n` requests at RATE per second (open loop): the gateway's CPU microseconds per request, and each request's latency (ms). */
async function round(g: Gateway, headers: Record<string, string>, n: number, latencies: number[]): Promise<number> {
  const before = await g.cpu();
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(one(g.pool, headers).then(() => void latencies.push(performance.now() - t0)));
  }
  await Promise.all(pending);
  return ((await g.cpu()) - before) / n;
}

/** `n` requests one after another on one connection: the gateway's CPU microseconds per request. */
async function sequentialRound(g: Gateway, headers: Record<string, string>, n: number): Promise<number> {
  const before = await g.cpu();
  for (let i = 0; i < n; i++) await one(g.single, headers);
  return ((await g.cpu()) - before) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface DevCpuResult {
  /** Median CPU microseconds per request at RATE req/s, per gateway. */
  readonly us: Record<Kind, number>;
  /** dev / peer CPU per request at RATE req/s. */
  readonly ratio: Record<'aws' | 'apigee', number>;
  /** p50 latency (ms) at RATE req/s, per gateway and straight to the backend ('direct'). */
  readonly p50: Record<Row, number>;
  /** Median CPU microseconds per request of the sequential rounds, per row name (BENCH_SEQUENTIAL > 0). */
  readonly sequential?: Record<string, number>;
  /** BENCH_DEV_BEFORE's rows at RATE req/s: CPU microseconds per request and p50 ms, by row name. */
  readonly before?: { readonly us: Record<string, number>; readonly p50: Record<string, number> };
}

/** Median CPU microseconds per request of each gateway, dev / peer for each dev profile, and p50 latencies. */
export async function devCpu(seconds = Number(process.env.BENCH_SECONDS ?? 2), rounds = Number(process.env.BENCH_ROUNDS ?? 5), sequential = Number(process.env.BENCH_SEQUENTIAL ?? 2000), beforeRoot = process.env.BENCH_DEV_BEFORE): Promise<DevCpuResult> {
  checkBuilt();
  process.env.ANYGATE_DEV_HOME ??= mkdtempSync(path.join(tmpdir(), 'anygate-dev-bench-'));
  const { mockToken } = await import('../dev/mock-idp');
  const headers = { authorization: `Bearer ${mockToken(toGatewaySpec(SPEC as never), { authorizer: 'jwt', scopes: ['items:read'], expiresInSeconds: 3600 })}` };
  const b = await backend();
  const gateways: Gateway[] = [{ name: 'direct', kind: 'direct', pool: new Pool(b.url, { connections: 32 }), single: new Pool(b.url, { connections: 1 }), cpu: async () => 0 }];
  try {
    for (const k of ['aws', 'apigee', 'peer'] as const) gateways.push(await start(k, b.url));
    if (beforeRoot) for (const k of ['aws', 'apigee'] as const) gateways.push(await start(k, b.url, path.resolve(beforeRoot), `${k} (before)`));
    for (const g of gateways) for (let i = 0; i < 2000; i++) await one(g.pool, headers); // warm-up: JIT, pools, caches
    const samples: Record<string, number[]> = Object.fromEntries(gateways.map((g) => [g.name, []]));
    const seq: Record<string, number[]> = Object.fromEntries(gateways.map((g) => [g.name, []]));
    const lat: Record<string, number[]> = Object.fromEntries(gateways.map((g) => [g.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const g of gateways) samples[g.name]!.push(await round(g, headers, RATE * seconds, lat[g.name]!));
      if (sequential > 0) for (const g of gateways) if (g.child) seq[g.name]!.push(await sequentialRound(g, headers, sequential));
    }
    const us = { aws: median(samples.aws!), apigee: median(samples.apigee!), peer: median(samples.peer!) };
    const p50 = { direct: median(lat.direct!), aws: median(lat.aws!), apigee: median(lat.apigee!), peer: median(lat.peer!) };
    const befores = gateways.filter((g) => g.name.endsWith('(before)'));
    return {
      us,
      ratio: { aws: us.aws / us.peer, apigee: us.apigee / us.peer },
      p50,
      ...(sequential > 0 ? { sequential: Object.fromEntries(gateways.filter((g) => g.child).map((g) => [g.name, median(seq[g.name]!)])) } : {}),
      ...(befores.length ? { before: { us: Object.fromEntries(befores.map((g) => [g.name, median(samples[g.name]!)])), p50: Object.fromEntries(befores.map((g) => [g.name, median(lat[g.name]!)])) } } : {}),
    };
  } finally {
    for (const g of gateways) {
      await g.pool.close();
      await g.single.close();
      g.child?.kill();
    }
    await b.close();
  }
}

async function main(): Promise<void> {
  const r = await devCpu();
  const { us, ratio, p50 } = r;
  const seq = r.sequential;
  const rows: [string, string, number, number][] = [
    ['anygate dev --profile aws', 'aws', us.aws, p50.aws],
    ['anygate dev --profile apigee', 'apigee', us.apigee, p50.apigee],
    ...Object.entries(r.before?.us ?? {}).map(([name, v]): [string, string, number, number] => [`anygate dev --profile ${name.replace(' (before)', '')}, BENCH_DEV_BEFORE build`, name, v, r.before!.p50[name]!]),
    ['peer proxy (jose + undici)', 'peer', us.peer, p50.peer],
  ];
  console.log(`gateway CPU per request (child process user+sys, median of interleaved rounds)`);
  console.log(`| gateway | CPU us per request at ${RATE} req/s | / peer | p50 ms | p50 over direct |${seq ? ' CPU us per request, sequential | / peer |' : ''}`);
  console.log(`|---|---|---|---|---|${seq ? '---|---|' : ''}`);
  for (const [label, name, v, p] of rows) console.log(`| ${label} | ${v.toFixed(0)} | ${(v / us.peer).toFixed(2)} | ${p.toFixed(3)} | +${(p - p50.direct).toFixed(3)} |${seq ? ` ${seq[name]!.toFixed(0)} | ${(seq[name]! / seq.peer!).toFixed(2)} |` : ''}`);
  console.log(`| direct to the backend | - | - | ${p50.direct.toFixed(3)} | - |${seq ? ' - | - |' : ''}`);
  console.log(`goal: dev CPU per request <= the peer's at ${RATE} req/s: aws ${ratio.aws <= 1 ? 'met' : 'MISSED'}, apigee ${ratio.apigee <= 1 ? 'met' : 'MISSED'}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
