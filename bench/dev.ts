/**
 * `anygate dev` overhead, one run: requests per second (closed loop, 16 in flight) and p50/p99
 * latency at a fixed 1,000 requests/s (open loop) to a local backend, directly and through the dev
 * gateway on a JWT-protected, rate-limited route (the limit set high enough never to refuse).
 * Also the latency one request at a time (no queueing), which is what the gateway adds per call
 * when the machine has headroom. Profiles: aws (the generated authorizer, with API Gateway's authorizer result cache) and apigee
 * (a full JWT verification per request). Ratios and added milliseconds are the result.
 *
 *   npx tsx bench/dev.ts          (BENCH_SECONDS=5 by default)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Pool } from 'undici';
import { toGatewaySpec } from '../lib/model';
import { startDev } from '../dev/server';
import { mockToken } from '../dev/mock-idp';
import type { Profile } from '../dev/profiles';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RATE = 1000;

process.env.ANYGATE_DEV_HOME ??= mkdtempSync(path.join(tmpdir(), 'anygate-dev-bench-'));

const spec = toGatewaySpec({
  name: 'bench',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  authorizers: { jwt: { type: 'jwt', issuer: 'https://login.example.com/', jwksUri: 'https://login.example.com/.well-known/jwks.json', audiences: ['bench'], algorithms: ['RS256'] } },
  routes: [{ id: 'items', method: 'GET', path: '/items/{id}', backend: 'api', auth: ['jwt'], scopes: ['items:read'], rateLimit: { requestsPerSecond: 100_000, burst: 100_000 } }],
});

async function backend(): Promise<{ url: string; close: () => Promise<void> }> {
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

async function one(pool: Pool, path: string, headers: Record<string, string>): Promise<number> {
  const r = await pool.request({ method: 'GET', path, headers });
  await r.body.dump();
  return r.statusCode;
}

/** Closed loop: requests per second with `concurrency` in flight. */
async function throughput(pool: Pool, path: string, headers: Record<string, string>, concurrency = 16): Promise<number> {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        if ((await one(pool, path, headers)) !== 200) throw new Error('unexpected status');
        n++;
      }
    }),
  );
  return n / SECONDS;
}

/** Open loop at RATE requests/s: each request's latency, ms. */
async function latencies(pool: Pool, path: string, headers: Record<string, string>): Promise<number[]> {
  const total = RATE * SECONDS;
  const out: number[] = [];
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      (async () => {
        const t0 = performance.now();
        if ((await one(pool, path, headers)) !== 200) throw new Error('unexpected status');
        out.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(pending);
  return out.sort((a, b) => a - b);
}

/** One request at a time: the latency each request adds, without queueing. */
async function sequential(pool: Pool, path: string, headers: Record<string, string>): Promise<number[]> {
  const out: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await one(pool, path, headers);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(label: string, origin: string, path: string, headers: Record<string, string>) {
  const pool = new Pool(origin, { connections: 32 });
  for (let i = 0; i < 2000; i++) await one(pool, path, headers); // warm-up
  const rps = await throughput(pool, path, headers);
  const seq = await sequential(pool, path, headers);
  const lat = await latencies(pool, path, headers);
  await pool.close();
  const row = { label, rps, p50: pct(lat, 50), p99: pct(lat, 99), s50: pct(seq, 50), s99: pct(seq, 99) };
  console.log(`${label.padEnd(34)} ${rps.toFixed(0).padStart(7)} req/s   one at a time: p50 ${row.s50.toFixed(3)} ms p99 ${row.s99.toFixed(3)} ms   at ${RATE} req/s: p50 ${row.p50.toFixed(3)} ms p99 ${row.p99.toFixed(3)} ms`);
  return row;
}

async function main(): Promise<void> {
  const b = await backend();
  console.log(`anygate dev overhead: ${SECONDS} s per measurement, node ${process.version}`);
  const direct = await measure('direct to the backend', b.url, '/items/1', {});
  for (const profile of ['aws', 'apigee'] as Profile[]) {
    const dev = await startDev({ spec, profile, port: 0, mockIdp: true, backends: { api: b.url } });
    const token = mockToken(spec, { authorizer: 'jwt', scopes: ['items:read'], expiresInSeconds: 3600 });
    const via = await measure(`through anygate dev (${profile})`, dev.url, '/items/1', { authorization: `Bearer ${token}` });
    console.log(`  ${profile}: one at a time, p50 +${(via.s50 - direct.s50).toFixed(3)} ms, p99 +${(via.s99 - direct.s99).toFixed(3)} ms over direct`);
    console.log(
      `  ${profile}: throughput ${(via.rps / direct.rps).toFixed(2)}x direct; p50 +${(via.p50 - direct.p50).toFixed(3)} ms (${(via.p50 / direct.p50).toFixed(2)}x); p99 +${(via.p99 - direct.p99).toFixed(3)} ms (${(via.p99 / direct.p99).toFixed(2)}x); goal p50 +<1 ms: ${via.p50 - direct.p50 < 1 ? 'met' : 'MISSED'}`,
    );
    await dev.close();
  }
  await b.close();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
