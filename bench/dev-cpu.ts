/**
 * CPU per request of `anygate dev` against a peer proxy, one run, interleaved rounds.
 *
 * The peer is what a user would write instead: node:http in front of an undici pool, jose's
 * jwtVerify against the same JWKS on every request, a scope check, and the response streamed back
 * (about 20 lines, below). Each gateway runs in its own child process; the parent drives 1,000
 * requests/s (open loop) at a local backend through it and reads the child's own CPU time (user +
 * system, process.cpuUsage over IPC) before and after each round, so the load generator and the
 * backend are not counted. Rounds alternate dev (aws profile: the generated authorizer behind API
 * Gateway's result cache; apigee profile: a full JWT verification per request) and the peer; the
 * result is the median microseconds per request and the ratio dev / peer (goal: at most 1.0).
 *
 *   npx tsx bench/dev-cpu.ts        (BENCH_SECONDS=2 per round, BENCH_ROUNDS=5)
 *
 * Also used by bench/goals.ts (`devCpu`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Pool } from 'undici';
import { toGatewaySpec } from '../lib/model';
import type { GatewaySpec } from '../lib/model/types';

const RATE = 1000;

const spec = (): GatewaySpec =>
  toGatewaySpec({
    name: 'bench',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { jwt: { type: 'jwt', issuer: 'https://login.example.com/', jwksUri: 'https://login.example.com/.well-known/jwks.json', audiences: ['bench'], algorithms: ['RS256'] } },
    routes: [{ id: 'items', method: 'GET', path: '/items/{id}', backend: 'api', auth: ['jwt'], scopes: ['items:read'] }],
  });

type Kind = 'aws' | 'apigee' | 'peer';
type Row = Kind | 'direct';

/** Child side: starts one gateway, prints its URL, answers 'cpu' with process.cpuUsage(). */
async function serve(kind: Kind, backendUrl: string): Promise<void> {
  const s = spec();
  let url: string;
  if (kind === 'peer') url = await peer(s, backendUrl);
  else {
    const { startDev } = await import('../dev/server');
    url = (await startDev({ spec: s, profile: kind, port: 0, mockIdp: true, backends: { api: backendUrl } })).url;
  }
  process.on('message', (m) => {
    if (m === 'cpu') process.send!({ cpu: process.cpuUsage() });
  });
  process.send!({ url });
}

/** The peer proxy: jose + undici, as a user would write it. */
async function peer(s: GatewaySpec, backendUrl: string): Promise<string> {
  const { createLocalJWKSet, jwtVerify } = await import('jose');
  const { mockJwks } = await import('../dev/mock-idp');
  const jwks = createLocalJWKSet(mockJwks(s) as never);
  const pool = new Pool(backendUrl, { connections: 32 });
  const server = createServer(async (req, res) => {
    try {
      const m = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
      const { payload } = await jwtVerify(m ? m[1]! : '', jwks, { issuer: 'https://login.example.com/', audience: 'bench' });
      if (!String(payload.scope ?? '').split(' ').includes('items:read')) return void res.writeHead(403).end();
      const r = await pool.request({ method: 'GET', path: req.url!, headers: { 'x-forwarded-for': req.socket.remoteAddress ?? '' } });
      res.writeHead(r.statusCode, r.headers as Record<string, string>);
      for await (const chunk of r.body) res.write(chunk);
      res.end();
    } catch {
      res.writeHead(401).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

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
  readonly kind: Row;
  readonly child: ChildProcess;
  readonly pool: Pool;
  cpu(): Promise<number>;
}

async function start(kind: Kind, backendUrl: string): Promise<Gateway> {
  const child = fork(__filename, ['serve', kind, backendUrl], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, ANYGATE_DEV_HOME: process.env.ANYGATE_DEV_HOME } });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`${kind} gateway exited ${code}`)));
  });
  const cpu = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu.user + m.cpu.system));
      child.send('cpu');
    });
  return { kind, child, pool: new Pool(url, { connections: 32 }), cpu };
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface DevCpuResult {
  /** Median CPU microseconds per request, per gateway. */
  readonly us: Record<Kind, number>;
  /** dev / peer CPU per request. */
  readonly ratio: Record<'aws' | 'apigee', number>;
  /** p50 latency (ms) at RATE req/s, per gateway and straight to the backend ('direct'). */
  readonly p50: Record<Row, number>;
}

/** Median CPU microseconds per request of each gateway, dev / peer for each dev profile, and p50 latencies. */
export async function devCpu(seconds = Number(process.env.BENCH_SECONDS ?? 2), rounds = Number(process.env.BENCH_ROUNDS ?? 5)): Promise<DevCpuResult> {
  process.env.ANYGATE_DEV_HOME ??= mkdtempSync(path.join(tmpdir(), 'anygate-dev-bench-'));
  const { mockToken } = await import('../dev/mock-idp');
  const headers = { authorization: `Bearer ${mockToken(spec(), { authorizer: 'jwt', scopes: ['items:read'], expiresInSeconds: 3600 })}` };
  const b = await backend();
  const direct: Gateway = { kind: 'direct', child: undefined as unknown as ChildProcess, pool: new Pool(b.url, { connections: 32 }), cpu: async () => 0 };
  const gateways = [direct, await start('aws', b.url), await start('apigee', b.url), await start('peer', b.url)];
  try {
    for (const g of gateways) for (let i = 0; i < 2000; i++) await one(g.pool, headers); // warm-up: JIT, pools, caches
    const samples: Record<Row, number[]> = { direct: [], aws: [], apigee: [], peer: [] };
    const lat: Record<Row, number[]> = { direct: [], aws: [], apigee: [], peer: [] };
    for (let r = 0; r < rounds; r++) for (const g of gateways) samples[g.kind].push(await round(g, headers, RATE * seconds, lat[g.kind]));
    const us = { aws: median(samples.aws), apigee: median(samples.apigee), peer: median(samples.peer) };
    const p50 = Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, median(v)])) as Record<Row, number>;
    return { us, ratio: { aws: us.aws / us.peer, apigee: us.apigee / us.peer }, p50 };
  } finally {
    for (const g of gateways) {
      await g.pool.close();
      g.child?.kill();
    }
    await b.close();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') return serve(process.argv[3] as Kind, process.argv[4]!);
  const { us, ratio, p50 } = await devCpu();
  console.log(`gateway CPU per request at ${RATE} req/s (child process user+sys, median of interleaved rounds)`);
  console.log('| gateway | CPU us per request | / peer | p50 ms | p50 over direct |');
  console.log('|---|---|---|---|---|');
  console.log(`| anygate dev --profile aws | ${us.aws.toFixed(0)} | ${ratio.aws.toFixed(2)} | ${p50.aws.toFixed(3)} | +${(p50.aws - p50.direct).toFixed(3)} |`);
  console.log(`| anygate dev --profile apigee | ${us.apigee.toFixed(0)} | ${ratio.apigee.toFixed(2)} | ${p50.apigee.toFixed(3)} | +${(p50.apigee - p50.direct).toFixed(3)} |`);
  console.log(`| peer proxy (jose + undici) | ${us.peer.toFixed(0)} | 1.00 | ${p50.peer.toFixed(3)} | +${(p50.peer - p50.direct).toFixed(3)} |`);
  console.log(`| direct to the backend | - | - | ${p50.direct.toFixed(3)} | - |`);
  console.log(`goal: dev CPU per request <= the peer's: aws ${ratio.aws <= 1 ? 'met' : 'MISSED'}, apigee ${ratio.apigee <= 1 ? 'met' : 'MISSED'}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
