/**
 * `anygate conform` against `anygate dev`, for every example and profile: the generated cases
 * (no credentials, wrong scope, expired token, rate limits, CORS, cache reuse, mock body, denied
 * IP) all pass, and a case that should fail does fail.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadSpec } from '../../lib/load';
import { startDev, type DevServer } from '../../dev/server';
import { loadFunctions } from '../../dev/functions';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, runVectors } from '../../dev/conform/run';
import { parseVectors } from '../../dev/conform/vectors';
import { PROFILES } from '../../dev/profiles';
import type { GatewaySpec } from '../../lib/model/types';
import { echoBackend, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();
const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES: [string, string][] = [
  ['examples/petstore/gateway.yaml', 'dev'],
  ['examples/petstore/gateway.ts', 'prod'],
  ['examples/minimal/gateway.yaml', 'prod'],
  ['examples/multi-stage/gateway.ts', 'staging'],
];
let backend: EchoBackend;
beforeAll(async () => {
  backend = await echoBackend();
});
afterAll(() => backend.close());

async function devFor(spec: GatewaySpec, stage: string, profile: (typeof PROFILES)[number]): Promise<DevServer> {
  const http = Object.keys(spec.backends).filter((b) => spec.backends[b].type === 'http');
  const bindings = [...new Set(Object.values(spec.backends).flatMap((b) => (b.type === 'function' ? [b.binding] : [])))];
  return startDev({
    spec,
    stage,
    profile,
    port: 0,
    clock: 'virtual',
    mockIdp: true,
    trustForwarded: true,
    backends: Object.fromEntries(http.map((b) => [b, backend.url])),
    functions: loadFunctions(bindings.map((b) => `${b}=${path.join(__dirname, 'fixtures/orders-any-cloud.js')}`)),
  });
}

describe.each(EXAMPLES)('%s (stage %s)', (file, stage) => {
  let spec: GatewaySpec;
  beforeAll(async () => {
    spec = (await loadSpec(path.join(ROOT, file))).spec;
  });

  it.each(PROFILES)('passes every generated case on the %s profile', async (profile) => {
    const dev = await devFor(spec, stage, profile);
    try {
      const vectors = generateVectors(spec, stage, profile);
      expect(vectors.length).toBeGreaterThan(0);
      const results = await runVectors(spec, vectors, { url: dev.url });
      const failed = results.filter((r) => !r.pass);
      if (failed.length) throw new Error(formatResults(results));
      expect(results).toHaveLength(vectors.length);
    } finally {
      await dev.close();
    }
  });
});

describe('generated cases for the petstore', () => {
  let spec: GatewaySpec;
  beforeAll(async () => {
    spec = (await loadSpec(path.join(ROOT, 'examples/petstore/gateway.yaml'))).spec;
  });

  it('cover every kind the issue lists', () => {
    const names = generateVectors(spec, 'dev', 'aws').map((v) => v.name);
    for (const kind of ['no credentials', 'wrong scope', 'expired token', 'over the rate limit', 'CORS preflight from https://', 'CORS preflight from a refused origin', 'cached response reused', 'mock response', 'denied IP']) {
      expect(names.some((n) => n.includes(kind))).toBe(true);
    }
  });

  it('expect each profile its own answers', () => {
    const wrongScope = (p: (typeof PROFILES)[number]) => generateVectors(spec, 'dev', p).find((v) => v.name === 'listPets: wrong scope')!.expect.status;
    expect([wrongScope('aws'), wrongScope('azure'), wrongScope('apigee')]).toEqual([403, 403, 403]);
    const over = (p: (typeof PROFILES)[number]) => generateVectors(spec, 'dev', p).find((v) => v.name.startsWith('createPet: over the rate limit'))!.request.repeat;
    // burst 20 (aws); 20 calls per 2 s window (azure); SpikeArrest 10ps (apigee)
    expect([over('aws'), over('azure'), over('apigee')]).toEqual([21, 21, 11]);
  });

  it('fail, with the reason, when the gateway answers otherwise', async () => {
    const dev = await devFor(spec, 'dev', 'aws');
    try {
      const vectors = parseVectors(
        `vectors:
  - name: expects the wrong status
    request: { method: GET, path: /v1/status }
    expect: { status: 418, headers: { cache-control: public, x-absent: null }, body: { status: down } }
  - name: passes
    request: { method: GET, path: /v1/status }
    expect: { status: 200, body: { status: ok } }
`,
        'inline.yaml',
      );
      const results = await runVectors(spec, vectors, { url: dev.url });
      expect(results.map((r) => r.pass)).toEqual([false, true]);
      expect(results[0].problems).toEqual(['status 200, expected 418', 'header cache-control is "no-store", expected "public"', 'body status is "ok", expected "down"']);
      expect(formatResults(results)).toMatch(/1 passed, 1 failed/);
    } finally {
      await dev.close();
    }
  });

  it('refuses a malformed vectors file, naming the field', () => {
    expect(() => parseVectors('vectors:\n  - name: x\n    request: { method: GET, path: nope }\n    expect: {}\n', 'bad.yaml')).toThrow(/bad.yaml: vectors.0.request.path/);
  });
});

describe('docs/dev.md', () => {
  it('its example vectors pass against anygate dev on the petstore (aws profile)', async () => {
    const doc = readFileSync(path.join(ROOT, 'docs/dev.md'), 'utf8');
    const block = /```yaml\n(vectors:[\s\S]*?)```/.exec(doc)![1];
    const spec = (await loadSpec(path.join(ROOT, 'examples/petstore/gateway.yaml'))).spec;
    const dev = await devFor(spec, 'dev', 'aws');
    try {
      const results = await runVectors(spec, parseVectors(block, 'docs/dev.md'), { url: dev.url });
      if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
      expect(results).toHaveLength(6);
    } finally {
      await dev.close();
    }
  });
});
