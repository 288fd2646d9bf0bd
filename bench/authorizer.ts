/**
 * Authorizer benchmark, all in one run on the same tokens: verifications per second for RS256 and
 * ES256 through anygate's verify path and full handler, aws-jwt-verify, jose and bare node:crypto
 * verify; then the minified bundle size and the cold import time against a minimal aws-jwt-verify
 * handler bundled the same way. Ratios, not absolute numbers, are the result.
 *
 *   npx tsx bench/authorizer.ts
 */
import { execFileSync } from 'node:child_process';
import { verify as cryptoVerify, createPublicKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { JwtVerifier } from 'aws-jwt-verify';
import * as jose from 'jose';
import { createAuthorizer } from '../lib/runtime/authorizer/handler';
import { checkClaims, decode, importJwk, verifySignature } from '../lib/runtime/authorizer/jwt';
import { handlerCode } from '../lib/runtime/bundle';
import type { AuthorizerConfig, JwtVerifierConfig } from '../lib/runtime/config';
import { JwksServer, makeKey, signJwt } from '../test/runtime/jwt-kit';

const DURATION_MS = Number(process.env.BENCH_MS ?? 2000);

async function rateOnce(fn: () => unknown | Promise<unknown>, ms: number): Promise<number> {
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 50; i++) await fn();
    n += 50;
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Rates of several implementations, measured in interleaved rounds (median per implementation) so order and drift do not favour one. */
async function rates(impls: [string, () => unknown | Promise<unknown>][], rounds = 7): Promise<[string, number][]> {
  for (const [, fn] of impls) for (let i = 0; i < 500; i++) await fn(); // warm-up
  const samples = impls.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < impls.length; i++) samples[i].push(await rateOnce(impls[i][1], Math.round(DURATION_MS / rounds)));
  }
  return impls.map(([name], i) => [name, samples[i].sort((a, b) => a - b)[Math.floor(rounds / 2)]]);
}

function coldImportMs(file: string, runs = 15): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`], { encoding: 'utf8' });
    times.push(Number(out.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  const server = new JwksServer();
  const base = await server.start();
  const rows: string[] = [];
  const summary: Record<string, number> = {};
  for (const alg of ['RS256', 'ES256'] as const) {
    const key = makeKey(alg);
    server.keys = [key.jwk];
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(key, { iss: base, aud: 'bench', sub: 'u', exp: now + 3600, iat: now, scope: 'read' });
    const cfg: JwtVerifierConfig = { issuer: base, audiences: ['bench'], jwksUri: `${base}/jwks`, algorithms: [alg], requiredClaims: {}, scopeClaim: 'scope', header: 'authorization', clockSkewSeconds: 60, maxTokenBytes: 8192 };
    const vk = importJwk(key.jwk)!;
    const ours = () => {
      const t = decode(token, cfg);
      if (!verifySignature(t, vk)) throw new Error('bad');
      return checkClaims(t.payload, cfg, Math.floor(Date.now() / 1000));
    };
    const authCfg: AuthorizerConfig = {
      version: 1,
      jwt: { jwt: cfg },
      apiKeys: {},
      schemes: { s: { exact: true } },
      routes: [{ method: 'GET', resource: '/x', arn: 'GET/x', scheme: 's', jwt: ['jwt'], apiKeys: [], scopes: ['read'] }],
      contextClaims: [],
      jwksCacheSeconds: 600,
      jwksRefetchCooldownSeconds: 30,
      fetchTimeoutMs: 1500,
      maxJwksBytes: 150000,
    };
    const handler = createAuthorizer(authCfg);
    const ev = { methodArn: 'arn:aws:execute-api:r:1:a/p/GET/x', resource: '/x', httpMethod: 'GET', headers: { authorization: `Bearer ${token}` } };
    await handler(ev);
    const awsVerifier = JwtVerifier.create({ issuer: base, audience: 'bench', jwksUri: `${base}/jwks` });
    awsVerifier.cacheJwks({ keys: [key.jwk as never] });
    const joseKey = await jose.importJWK(key.jwk as jose.JWK, alg);
    const [h, p, s] = token.split('.');
    const data = Buffer.from(`${h}.${p}`);
    const sig = Buffer.from(s, 'base64url');
    const pub = createPublicKey({ key: key.jwk as never, format: 'jwk' });
    const bare = alg === 'RS256' ? () => cryptoVerify('sha256', data, pub, sig) : () => cryptoVerify('sha256', data, { key: pub, dsaEncoding: 'ieee-p1363' }, sig);

    const results = await rates([
      ['anygate verify path', ours],
      ['anygate full handler (policy included)', () => handler(ev)],
      ['aws-jwt-verify verifySync', () => awsVerifier.verifySync(token)],
      ['jose jwtVerify', () => jose.jwtVerify(token, joseKey, { issuer: base, audience: 'bench' })],
      ['bare node:crypto verify', bare],
    ]);
    const ref = results[0][1];
    for (const [name, r] of results) rows.push(`| ${alg} | ${name} | ${Math.round(r).toLocaleString('en-US')} | ${(ref / r).toFixed(2)} |`);
    summary[`${alg} vs aws-jwt-verify`] = ref / results[2][1];
    summary[`${alg} vs bare crypto`] = ref / results[4][1];
  }
  await server.stop();

  const dir = mkdtempSync(path.join(tmpdir(), 'anygate-bench-'));
  const oursFile = path.join(dir, 'anygate.js');
  writeFileSync(oursFile, handlerCode('authorizer'));
  writeFileSync(path.join(dir, 'config.json'), '{}');
  const awsEntry = path.join(dir, 'aws-entry.js');
  writeFileSync(awsEntry, `const { JwtVerifier } = require('aws-jwt-verify');\nconst v = JwtVerifier.create({ issuer: 'https://id.example.com', audience: 'a', jwksUri: 'https://id.example.com/jwks' });\nexports.handler = async (e) => v.verify(e.token);\n`);
  const awsFile = path.join(dir, 'aws.js');
  buildSync({ entryPoints: [awsEntry], bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', outfile: awsFile, nodePaths: [path.join(__dirname, '..', 'node_modules')], logLevel: 'silent' });
  const size = Buffer.byteLength(handlerCode('authorizer'));
  const awsSize = Buffer.byteLength(require('node:fs').readFileSync(awsFile));
  const coldOurs = coldImportMs(oursFile);
  const coldAws = coldImportMs(awsFile);

  console.log('| alg | implementation | verifications/s | anygate verify path ÷ this |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log('');
  for (const [k, v] of Object.entries(summary)) console.log(`${k}: ${v.toFixed(2)}x`);
  console.log(`bundle: anygate authorizer ${size} bytes minified (goal <= 8192); minimal aws-jwt-verify handler ${awsSize} bytes`);
  console.log(`cold import (median of 15): anygate ${coldOurs.toFixed(2)} ms, aws-jwt-verify handler ${coldAws.toFixed(2)} ms, ratio ${(coldOurs / coldAws).toFixed(2)} (goal <= 1.00)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
