/**
 * A path version is served under its own segment (`/api/v1/items/{id}`), which one document's
 * server cannot say for every version: the contract of a path-versioned spec is one document a
 * version, each with the version's segment in its server. Import reads the base path from
 * x-anygate, so the round trip is unchanged.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { exportOpenApi, openApiFiles } from '../../lib/openapi/export';
import { openApiErrors } from '../validators';

const spec = (scheme: 'path' | 'header') =>
  toGatewaySpec({
    name: 'shop',
    basePath: '/api',
    versions: { scheme, ...(scheme === 'header' ? { name: 'Api-Version' } : {}), list: [{ name: 'v1', deprecated: '2026-06-01' }, { name: 'v2' }] },
    backends: { items: { type: 'http', url: 'https://items.example.com' } },
    defaults: { backend: 'items', auth: 'none' },
    routes: [
      { method: 'GET', path: '/items/{id}', versions: ['v1'] },
      { method: 'GET', path: '/things', versions: ['v2'] },
      { method: 'GET', path: '/health' },
    ],
  });

it('path versions: one document a version, its server the version\'s segment', () => {
  const files = openApiFiles(spec('path'));
  expect(files.map((f) => [f.file, f.document.servers?.[0]?.url, Object.keys(f.document.paths ?? {})])).toEqual([
    ['openapi/v1.json', '/api/v1', ['/health', '/items/{id}']],
    ['openapi/v2.json', '/api/v2', ['/health', '/things']],
  ]);
  for (const f of files) expect(openApiErrors(f.document)).toBe('');
  expect(exportOpenApi(spec('path'), { version: 'v1' }).servers?.[0]?.url).toBe('/api/v1');
});

it('header versions keep one document and the base path (the version is a header, not a segment)', () => {
  expect(openApiFiles(spec('header')).map((f) => [f.file, f.document.servers?.[0]?.url])).toEqual([['openapi.json', '/api']]);
  expect(exportOpenApi(spec('header'), { version: 'v1' }).servers?.[0]?.url).toBe('/api');
});

it('anygate export of the whole path-versioned spec says its server is not where the routes are, and how to write a client\'s contract', async () => {
  const { main } = await import('../../bin/cli');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'anygate-path-versions-'));
  const file = path.join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify({ name: 'shop', basePath: '/api', versions: { scheme: 'path', list: [{ name: 'v1' }, { name: 'v2' }] }, backends: { items: { type: 'http', url: 'https://items.example.com' } }, defaults: { backend: 'items', auth: 'none' }, routes: [{ method: 'GET', path: '/items' }] }));
  const err: string[] = [];
  const io = { out: () => undefined, err: (s: string) => void err.push(s) };
  expect(await main(['node', 'anygate', 'export', file, '--out', path.join(dir, 'all.json')], io as never)).toBe(0);
  expect(err.join('')).toContain('note: path versions are served under their own segment (/api/v1, /api/v2), which this document\'s server (/api) does not say: for a client\'s contract write one a version with --api-version v1|v2');
  err.length = 0;
  expect(await main(['node', 'anygate', 'export', file, '--api-version', 'v1', '--out', path.join(dir, 'v1.json')], io as never)).toBe(0);
  expect(err.join('')).not.toContain('note:');
});
