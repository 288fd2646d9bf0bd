/**
 * Authorizer benchmark, one run, ratios measured side by side (interleaved rounds, median):
 * - per call: the SHIPPED handler (the esbuild bundle with its config.json, as Lambda loads it) at
 *   10 and at 2,000 routes, against a minimal aws-jwt-verify REQUEST authorizer bundled the same
 *   way and bare node:crypto verify, for RS256 and ES256; with and without the JSON serialization
 *   the Lambda runtime applies to the result (a policy listing every allowed method is bigger);
 *   plus what the verified-token cache buys where API Gateway's decision cache is off;
 * - first call: CPU time of require + JWKS fetch over HTTPS (a 127.0.0.1 server with a self-signed
 *   certificate) + verify, in a fresh process, against the aws-jwt-verify handler;
 * - the bundle size.
 *
 *   npx tsx bench/authorizer.ts            (BENCH_MS=4000 for longer rounds)
 *
 * Each case runs with narrow tokens (scope `read`) and broad ones (42 scopes): a pool of 256 distinct
 * tokens of each, drawn in turn by every row (the bare verify too), in API Gateway's whole REQUEST
 * event. The aws-jwt-verify handler does the shipped handler's checks (signature, exp and nbf with
 * the same 60 s skew, iss, aud, the route's scopes from a table of the case's routes); the shipped
 * handler also checks iat and repeated credentials. BENCH_BEFORE_BUNDLE=
 * /path/to/index.js (the minified JWT-only bundle of another build, say `handlerCode` of the commit
 * before a change) adds that build as a `before` row, run in the same interleaved rounds.
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { handlerCode, omittedFeatures } from '../lib/runtime/bundle';
import { AUTHORIZER_DEFAULTS, type AuthorizerConfig, type AuthorizerRoute } from '../lib/runtime/config';
import { packRoutes } from '../lib/runtime/route-groups';
import { JwksServer, makeKey, signJwt, type TestKey } from '../test/runtime/jwt-kit';

/** What a JWT-only configuration's bundle leaves out (as synthesis ships it). */
export const JWT_ONLY_OMITTED = omittedFeatures('authorizer', { routeGroups: [{ scheme: 's', jwt: ['j'], apiKeys: [], scopes: [], routes: ['GET /a'] }], jwt: { j: {} }, apiKeys: {} });

const DURATION_MS = Number(process.env.BENCH_MS ?? 2000);
const ARN = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod';
type Fn = () => unknown | Promise<unknown>;
/** Distinct tokens per case (a power of two). */
const POOL = 256;
const MASK = POOL - 1;

/** Calls per CPU second (user + system of this process): on a shared machine, wall time measures the neighbours. */
async function rateOnce(fn: Fn, ms: number): Promise<number> {
  let n = 0;
  const start = process.cpuUsage();
  const cpu = () => {
    const c = process.cpuUsage(start);
    return (c.user + c.system) / 1e6;
  };
  while (cpu() < ms / 1000) {
    for (let i = 0; i < 50; i++) await fn();
    n += 50;
  }
  return n / cpu();
}

/** Calls per second of each implementation, in interleaved rounds (median), so order and drift favour none. */
async function rates(impls: [string, Fn][], rounds = 7): Promise<Map<string, number>> {
  for (const [, fn] of impls) for (let i = 0; i < 500; i++) await fn();
  const samples = impls.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) for (let i = 0; i < impls.length; i++) samples[i].push(await rateOnce(impls[i][1], Math.round(DURATION_MS / rounds)));
  return new Map(impls.map(([name], i) => [name, samples[i].sort((a, b) => a - b)[Math.floor(rounds / 2)]]));
}

/** A route table of `n` routes: GET needs `read`, the other methods `write`, as coarse scopes do. */
function routes(n: number): AuthorizerRoute[] {
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  return Array.from({ length: n }, (_, i) => {
    const method = methods[i % 4];
    const resource = `/res${Math.floor(i / 4)}/{id}`;
    return { method, resource, scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: [method === 'GET' ? 'read' : 'write'] };
  });
}

function config(issuer: string, jwksUri: string, alg: string, n: number, ttl: number): AuthorizerConfig {
  return {
    version: 1,
    jwt: { jwt: { issuer, audiences: ['bench'], jwksUri, algorithms: [alg], requiredClaims: {}, scopeClaim: 'scope', header: 'authorization', clockSkewSeconds: 60, maxTokenBytes: 8192 } },
    apiKeys: {},
    schemes: { 'anygate-jwt': { exact: true, resultTtlSeconds: ttl } },
    routeGroups: packRoutes(routes(n)),
    contextClaims: [],
    jwksCacheSeconds: AUTHORIZER_DEFAULTS.jwksCacheSeconds,
    jwksRefetchCooldownSeconds: AUTHORIZER_DEFAULTS.jwksRefetchCooldownSeconds,
    jwksStaleIfErrorSeconds: AUTHORIZER_DEFAULTS.jwksStaleIfErrorSeconds,
    tokenCacheSize: ttl === 0 ? AUTHORIZER_DEFAULTS.tokenCacheSize : 0,
    fetchTimeoutMs: AUTHORIZER_DEFAULTS.fetchTimeoutMs,
    maxJwksBytes: AUTHORIZER_DEFAULTS.maxJwksBytes,
  };
}

/** Writes the shipped bundle (or `code`) with a configuration into its own directory (require caches per path). */
function shipped(dir: string, name: string, cfg: AuthorizerConfig, code?: string): string {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  // As synthesis ships it: only the code the configuration uses (here JWT only).
  writeFileSync(path.join(d, 'index.js'), code ?? handlerCode('authorizer', omittedFeatures('authorizer', cfg)));
  writeFileSync(path.join(d, 'config.json'), JSON.stringify(cfg));
  return path.join(d, 'index.js');
}

/**
 * A minimal REQUEST authorizer on aws-jwt-verify, bundled as the shipped one is, doing the shipped
 * handler's checks: signature, exp and nbf with the same 60 s clock skew (`graceSeconds`), iss,
 * aud, and the route's scopes (`create(routes)`: `METHOD /resource` -> scopes, a Deny when the
 * token lacks one, as the shipped handler answers). `handler` checks no scopes (no route table):
 * the first-call row keeps it, which can only favour aws-jwt-verify.
 */
function awsHandler(dir: string, issuer: string, jwksUri: string): string {
  const entry = path.join(dir, 'aws-entry.js');
  writeFileSync(
    entry,
    `const { JwtVerifier } = require('aws-jwt-verify');
const verifier = JwtVerifier.create({ issuer: ${JSON.stringify(issuer)}, audience: 'bench', jwksUri: ${JSON.stringify(jwksUri)}, graceSeconds: 60 });
exports.verifier = verifier;
exports.create = (routes) => async (event) => {
  const m = /^Bearer (\\S+)$/i.exec((event.headers && (event.headers.authorization || event.headers.Authorization)) || '');
  const need = routes ? routes.get(event.httpMethod + ' ' + event.resource) : [];
  try {
    if (!need) throw Error();
    const p = await verifier.verify(m ? m[1] : '');
    const have = typeof p.scope === 'string' ? p.scope.split(' ') : [];
    const effect = need.every((s) => have.includes(s)) ? 'Allow' : 'Deny';
    return { principalId: p.sub, policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: [event.methodArn] }] }, context: { sub: p.sub, scope: String(p.scope) } };
  } catch { throw new Error('Unauthorized'); }
};
exports.handler = exports.create(undefined);
`,
  );
  const out = path.join(dir, `aws-${Buffer.from(issuer).toString('hex').slice(-12)}.js`);
  buildSync({ entryPoints: [entry], bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', outfile: out, nodePaths: [path.join(__dirname, '..', 'node_modules')], logLevel: 'silent' });
  return out;
}

/**
 * A REQUEST authorizer event as API Gateway sends it: the request's headers twice (`headers`, and
 * every value in `multiValueHeaders`, where the shipped handler looks for a repeated credential),
 * path and query parameters and the request context.
 */
function event(token: string) {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Encoding': 'gzip, deflate, br',
    Authorization: `Bearer ${token}`,
    'CloudFront-Forwarded-Proto': 'https',
    'CloudFront-Viewer-Country': 'DE',
    Host: 'api123.execute-api.us-east-1.amazonaws.com',
    'User-Agent': 'okhttp/4.12.0',
    Via: '2.0 5f1b0c7a.cloudfront.net (CloudFront)',
    'X-Amz-Cf-Id': 'Qm9vdHN0cmFwLWJlbmNoLXJlcXVlc3QtaWQ=',
    'X-Amzn-Trace-Id': 'Root=1-6755a3e1-0a1b2c3d4e5f60718293a4b5',
    'X-Forwarded-For': '203.0.113.7, 130.176.0.1',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  return {
    type: 'REQUEST',
    methodArn: `${ARN}/GET/res0/42`,
    resource: '/res0/{id}',
    path: '/res0/42',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { id: '42' },
    stageVariables: null,
    requestContext: { resourcePath: '/res0/{id}', httpMethod: 'GET', path: '/prod/res0/42', accountId: '123456789012', apiId: 'api123', stage: 'prod', requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', identity: { sourceIp: '203.0.113.7', userAgent: 'okhttp/4.12.0' } },
  };
}

export async function perCall(dir: string, server: JwksServer, base: string, lines: string[], goals: string[]): Promise<void> {
  lines.push('| alg | routes | token | implementation | calls per CPU s | shipped ÷ this |', '|---|---|---|---|---|---|');
  for (const alg of ['RS256', 'ES256']) {
    const key = makeKey(alg);
    server.keys = [key.jwk];
    const now = Math.floor(Date.now() / 1000);
    // POOL distinct tokens per kind (their own sub, jti and iat), drawn in turn by every row: no
    // per-token cache on either side wins by reuse.
    const pool = (scope: string) => Array.from({ length: POOL }, (_, i) => signJwt(key, { iss: base, aud: 'bench', sub: `u${i}`, jti: `t${i}`, exp: now + 3600, iat: now - i, scope }));
    const narrow = pool('read');
    const broad = pool([...Array.from({ length: 40 }, (_, i) => `api:scope-${i}`), 'read', 'write'].join(' '));
    const pub = createPublicKey({ key: key.jwk as never, format: 'jwk' });
    const opts = alg === 'RS256' ? pub : { key: pub, dsaEncoding: 'ieee-p1363' as const };
    // The bare verify of a case's own tokens: a broad token's signed text is longer (more to hash).
    const bareOf = (toks: string[]): Fn => {
      const signed = toks.map((t) => {
        const j = t.lastIndexOf('.');
        return [Buffer.from(t.slice(0, j)), Buffer.from(t.slice(j + 1), 'base64url')] as const;
      });
      if (!signed.every(([data, sig]) => cryptoVerify('sha256', data, opts, sig))) throw Error(`${alg}: the bare verify refuses a token of the pool`);
      let b = 0;
      return () => {
        const [data, sig] = signed[b++ & MASK];
        return cryptoVerify('sha256', data, opts, sig);
      };
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const awsModule = require(awsHandler(dir, base, `${base}/jwks`));
    awsModule.verifier.cacheJwks({ keys: [key.jwk] });
    const before = process.env.BENCH_BEFORE_BUNDLE ? readFileSync(process.env.BENCH_BEFORE_BUNDLE, 'utf8') : undefined;
    const cases = (['narrow', 'broad'] as const).flatMap((tokenName) => [10, 2000].map((n) => [tokenName, tokenName === 'narrow' ? narrow : broad, n] as const));
    for (const [tokenName, toks, n] of cases) {
      const events = toks.map(event);
      const ev = events[0];
      const label = `${alg} ${n} routes, ${tokenName} token`;
      const table = routes(n);
      const aws = { handler: awsModule.create(new Map(table.map((r) => [`${r.method} ${r.resource}`, r.scopes]))) };
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ours = require(shipped(dir, `${alg}-${n}`, config(base, `${base}/jwks`, alg, n, 60))).handler;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const old = before && require(shipped(dir, `${alg}-${n}-before`, config(base, `${base}/jwks`, alg, n, 60), before)).handler;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cached = require(shipped(dir, `${alg}-${n}-ttl0`, config(base, `${base}/jwks`, alg, n, 0))).handler;
      // Both sides decide alike on every token of the pool (and allow the route).
      for (const e of events) {
        const [a, w] = [await ours(e), await aws.handler(e)];
        if (a.policyDocument.Statement[0].Effect !== 'Allow' || w.policyDocument.Statement[0].Effect !== 'Allow' || a.principalId !== w.principalId) throw Error(`${label}: the two handlers disagree`);
        await cached(e);
        if (old) await old(e);
      }
      // Each row draws the next token of the pool on every call.
      const draw = (h: (e: unknown) => unknown): Fn => {
        let i = 0;
        return () => h(events[i++ & MASK]);
      };
      const r = await rates([
        ['shipped handler', draw(ours)],
        ...(old ? [['shipped handler, before', draw(old)] as [string, Fn]] : []),
        ['minimal aws-jwt-verify handler', draw(aws.handler)],
        ['bare node:crypto verify', bareOf(toks)],
        ['shipped handler + result JSON', draw(async (e) => JSON.stringify(await ours(e)))],
        ['aws-jwt-verify handler + result JSON', draw(async (e) => JSON.stringify(await aws.handler(e)))],
        ['shipped handler, TTL 0, verified-token cache hit', draw(cached)],
      ]);
      const ref = r.get('shipped handler')!;
      for (const [name, v] of r) lines.push(`| ${alg} | ${n} | ${tokenName} | ${name} | ${Math.round(v).toLocaleString('en-US')} | ${(name.includes('+ result') ? r.get('shipped handler + result JSON')! / v : ref / v).toFixed(2)} |`);
      const policyArns = (await ours(ev)).policyDocument.Statement[0].Resource.length;
      if (old) goals.push(`${label}: shipped / before ${(ref / r.get('shipped handler, before')!).toFixed(3)}x; before / aws-jwt-verify handler ${(r.get('shipped handler, before')! / r.get('minimal aws-jwt-verify handler')!).toFixed(2)}x`);
      goals.push(`${label}: shipped / aws-jwt-verify handler ${(ref / r.get('minimal aws-jwt-verify handler')!).toFixed(2)}x (goal >= 1.2, issue #29; ceiling, a handler costing nothing but the bare verify: ${(r.get('bare node:crypto verify')! / r.get('minimal aws-jwt-verify handler')!).toFixed(2)}x), / bare crypto ${(ref / r.get('bare node:crypto verify')!).toFixed(2)}x (goal >= 0.8); with result JSON ${(r.get('shipped handler + result JSON')! / r.get('aws-jwt-verify handler + result JSON')!).toFixed(2)}x (policy lists ${policyArns} ARNs); token cache hit ${(r.get('shipped handler, TTL 0, verified-token cache hit')! / ref).toFixed(1)}x the shipped handler`);
    }
  }
}

/** A self-signed certificate for 127.0.0.1 (openssl, as on every machine here). */
function selfSigned(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** CPU microseconds of require + first call in a fresh process (median of `runs`, interleaved). */
export async function firstCall(dir: string, lines: string[], goals: string[], runs = 15): Promise<void> {
  const tls = selfSigned(dir);
  const key: TestKey = makeKey('RS256');
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [key.jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(key, { iss: base, aud: 'bench', sub: 'u', exp: now + 3600, iat: now, scope: 'read' });
  const files = { anygate: shipped(dir, 'first-call', config(base, `${base}/jwks`, 'RS256', 2000, 60)), 'aws-jwt-verify': awsHandler(dir, base, `${base}/jwks`) };
  const script = `const t=process.cpuUsage(),w=process.hrtime.bigint();const h=require(process.argv[1]).handler;h(${JSON.stringify(event(token))}).then(r=>{if(r.policyDocument.Statement[0].Effect!=='Allow')process.exit(2);const c=process.cpuUsage(t);console.log(JSON.stringify({cpu:c.user+c.system,wall:Number(process.hrtime.bigint()-w)/1e3}))},()=>process.exit(3))`;
  const samples: Record<string, { cpu: number[]; wall: number[] }> = { anygate: { cpu: [], wall: [] }, 'aws-jwt-verify': { cpu: [], wall: [] } };
  const run = (file: string) =>
    new Promise<{ cpu: number; wall: number }>((resolve, reject) => {
      // Asynchronous: the HTTPS server answers from this process meanwhile.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const child = require('node:child_process').execFile(process.execPath, ['-e', script, file], { env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.certFile } }, (err: Error | null, out: string) => (err ? reject(err) : resolve(JSON.parse(out))));
      void child;
    });
  for (let i = 0; i < runs; i++) {
    for (const [name, file] of Object.entries(files)) {
      const r = await run(file);
      samples[name].cpu.push(r.cpu);
      samples[name].wall.push(r.wall);
    }
  }
  server.close();
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  lines.push('', '| first call, 2,000 routes (require + JWKS over HTTPS + verify) | CPU ms (median) | wall ms (median) |', '|---|---|---|');
  for (const [name, s] of Object.entries(samples)) lines.push(`| ${name} | ${(median(s.cpu) / 1000).toFixed(2)} | ${(median(s.wall) / 1000).toFixed(2)} |`);
  goals.push(`first call CPU: anygate / aws-jwt-verify handler ${(median(samples.anygate.cpu) / median(samples['aws-jwt-verify'].cpu)).toFixed(2)} (goal <= 1.00)`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'anygate-bench-'));
  const lines: string[] = [];
  const goals: string[] = [];
  const server = new JwksServer();
  const base = await server.start();
  try {
    await perCall(dir, server, base, lines, goals);
    await firstCall(dir, lines, goals);
  } finally {
    await server.stop();
  }
  const size = Buffer.byteLength(handlerCode('authorizer', JWT_ONLY_OMITTED));
  const full = Buffer.byteLength(handlerCode('authorizer'));
  const awsSize = Buffer.byteLength(readFileSync(awsHandler(dir, 'https://id.example.com', 'https://id.example.com/jwks')));
  rmSync(dir, { recursive: true, force: true });
  console.log(lines.join('\n'));
  console.log('');
  for (const g of goals) console.log(g);
  console.log(`bundle: anygate authorizer for a JWT-only spec ${size} bytes minified (goal <= 8192); with alternatives and the internal key ${full} bytes; minimal aws-jwt-verify handler ${awsSize} bytes`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
