/**
 * anygate drift: on each platform's export, an added route, a changed rate limit, a removed auth
 * requirement and a changed policy (a request header the gateway sets) are reported; the spec's own
 * output has no drift; the CLI exits non-zero under --fail-on.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, type AdoptPlatform, type SourceTree } from '../../lib/adopt';
import { driftSpecs, type DriftEntry } from '../../lib/adopt/drift';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { cli } from '../cli/run';

const TARGETS: AdoptPlatform[] = ['aws', 'azure', 'apigee', 'kubernetes'];

function base(): Record<string, any> {
  return {
    name: 'shop',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { oauth: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], jwksUri: 'https://id.example.com/jwks.json' } },
    routes: [
      { id: 'list-items', method: 'GET', path: '/items', backend: 'api', auth: 'oauth', rateLimit: { requestsPerSecond: 10 } },
      { id: 'get-item', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'oauth', transform: { request: { setHeaders: { 'x-source': 'gateway' } } } },
      { id: 'health', method: 'GET', path: '/health', backend: 'api', auth: 'none' },
    ],
  };
}

const read = (spec: GatewaySpec, t: AdoptPlatform) => toGatewaySpec(adopt(t, emittedTree(spec, t)).input);
const drift = (spec: Record<string, any>, live: Record<string, any>, t: AdoptPlatform) => driftSpecs(read(toGatewaySpec(spec), t), read(toGatewaySpec(live), t));
const has = (d: DriftEntry[], where: string, property: string) => d.some((e) => e.where === where && e.property === property);

describe.each(TARGETS)('drift on %s', (t) => {
  it('the spec against its own output: no drift', () => {
    expect(drift(base(), base(), t)).toEqual([]);
  });

  it('an added route', () => {
    const live = base();
    live.routes.push({ id: 'delete-item', method: 'DELETE', path: '/items/{id}', backend: 'api', auth: 'oauth' });
    const d = drift(base(), live, t);
    expect(d).toEqual([expect.objectContaining({ kind: 'added', where: 'DELETE /items/{}', property: 'route', security: true })]);
  });

  it('a changed rate limit', () => {
    const live = base();
    live.routes[0].rateLimit = { requestsPerSecond: 50 };
    const d = drift(base(), live, t);
    expect(has(d, 'GET /items', 'rateLimit')).toBe(true);
    expect(d.every((e) => e.property === 'rateLimit')).toBe(true);
  });

  it('a removed auth requirement', () => {
    const live = base();
    live.routes[1].auth = 'none';
    const d = drift(base(), live, t);
    expect(d).toContainEqual(expect.objectContaining({ kind: 'changed', where: 'GET /items/{}', property: 'auth', actual: 'none', security: true }));
  });

  it('a changed policy (a request header the gateway sets)', () => {
    const live = base();
    live.routes[1].transform.request.setHeaders['x-source'] = 'edge';
    const d = drift(base(), live, t);
    expect(d).toEqual([expect.objectContaining({ kind: 'changed', where: 'GET /items/{}', property: 'transform' })]);
  });
});

function writeTree(tree: SourceTree, dir: string): string {
  for (const [f, text] of tree.files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

describe('anygate drift (CLI)', () => {
  it('exits 0 with no drift and 1 under --fail-on when the export drifted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'anygate-drift-'));
    const specFile = path.join(dir, 'gateway.json');
    writeFileSync(specFile, JSON.stringify(base()));
    const live = base();
    live.routes[1].auth = 'none';
    const same = writeTree(emittedTree(toGatewaySpec(base()), 'azure'), path.join(dir, 'same'));
    const drifted = writeTree(emittedTree(toGatewaySpec(live), 'azure'), path.join(dir, 'drifted'));
    const ok = await cli(['drift', specFile, same, '--from', 'azure', '--fail-on', 'changes']);
    expect([ok.code, ok.out]).toEqual([0, '0 differences, 0 touching access control\n']);
    const bad = await cli(['drift', specFile, drifted, '--from', 'azure', '--fail-on', 'security']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('GET /items/{}: ~ auth');
    const report = await cli(['drift', specFile, drifted, '--from', 'azure']);
    expect(report.code).toBe(0);
  });
});
