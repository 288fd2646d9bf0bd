/**
 * Incremental synthesis: into an existing out dir, unchanged files are not rewritten (mtime kept),
 * changed ones are, and files the new run does not write are removed.
 */
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { synth } from '../../bin/synth';
import { listFiles } from '../../bin/synth/files';
import { loadSpec } from '../../lib/load';
import type { GatewaySpec } from '../../lib/model/types';
import { scratch } from '../validators';

const root = path.join(__dirname, '..', '..');
const TARGETS = ['aws', 'azure', 'apigee', 'kubernetes'] as const;
const run = (spec: GatewaySpec, out: string) => synth(spec, { targets: [...TARGETS], outDir: out, progress: () => undefined });

/** Sets every file's mtime to a fixed past time, so a rewrite shows as a newer mtime. */
function age(dir: string): number {
  const past = new Date('2020-01-01T00:00:00Z');
  for (const f of listFiles(dir)) utimesSync(path.join(dir, f), past, past);
  return past.getTime();
}

describe('incremental synth into an existing out dir', () => {
  it('leaves unchanged files untouched, rewrites changed ones and removes what is gone', async () => {
    const spec = (await loadSpec(path.join(root, 'examples/petstore/gateway.yaml'))).spec;
    const out = scratch('incremental');
    await run(spec, out);
    const first = listFiles(out);
    const past = age(out);

    await run(spec, out);
    expect(listFiles(out)).toEqual(first);
    const touched = listFiles(out).filter((f) => statSync(path.join(out, f)).mtimeMs !== past);
    expect(touched).toEqual([]);

    // One route fewer: its Azure operation policy goes (from plan.json and the manifest), the body
    // and plans change, the rest stays.
    const manifest = () => JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { artifacts: { name: string; path: string; entry?: string }[] };
    const held = (id: string) => manifest().artifacts.filter((a) => a.name.endsWith(`/operation/${id}`));
    const dropped = spec.routes.find((r) => held(r.id).length > 0)!;
    const smaller: GatewaySpec = { ...spec, routes: spec.routes.filter((r) => r !== dropped) };
    writeFileSync(path.join(out, 'aws', 'stray.txt'), 'left by someone');
    await run(smaller, out);
    const now = listFiles(out);
    expect(held(dropped.id)).toEqual([]);
    expect(existsSync(path.join(out, 'aws', 'stray.txt'))).toBe(false);
    expect(readdirSync(out).filter((e) => e.startsWith('.aws-synth'))).toEqual([]);
    const rewritten = now.filter((f) => statSync(path.join(out, f)).mtimeMs !== past);
    expect(rewritten).toEqual(expect.arrayContaining(['manifest.json', 'openapi.json', 'azure/dev/plan.json']));
    // The Apigee bundle changes as a whole (one zip, named by its hash): the old one is removed.
    expect(now.filter((f) => f.endsWith('.zip'))).toHaveLength(1);
    expect(now.filter((f) => f.endsWith('.zip'))).not.toEqual(first.filter((f) => f.endsWith('.zip')));
    // Files no route concerns (API and product policies, Kubernetes manifests) are untouched.
    const kept = now.filter((f) => f.includes('/policies/') || f.startsWith('kubernetes/'));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((f) => rewritten.includes(f))).toEqual([]);

    // The same result as a synthesis into a fresh dir.
    const fresh = scratch('incremental-fresh');
    await run(smaller, fresh);
    expect(now).toEqual(listFiles(fresh));
  });

  it('a narrower --target or --stage removes the other targets\' and stages\' folders, and says so; the out dir stays what manifest.json lists', async () => {
    const { cli } = require('./run') as typeof import('./run');
    const dir = scratch('narrowed');
    writeFileSync(path.join(dir, 'g.yaml'), 'name: hello\nbackends:\n  api: { type: http, url: https://api.example.com }\nstages:\n  dev: {}\n  prod: {}\nroutes:\n  - { method: GET, path: /a, backend: api, auth: none }\n');
    const first = await cli(['synth', 'g.yaml', '--target', 'azure,apigee,kubernetes', '--out', 'o'], dir);
    expect([first.code, first.out]).toEqual([0, expect.not.stringMatching(/removed/)]);
    const narrowed = await cli(['synth', 'g.yaml', '--target', 'azure,kubernetes', '--stage', 'dev', '--out', 'o'], dir);
    expect(narrowed.code).toBe(0);
    expect(narrowed.out).toMatch(/^removed o\/apigee\/: not among this run's targets \(--target azure,kubernetes\), so that the out dir holds what manifest\.json lists$/m);
    expect(narrowed.out).toMatch(/^removed o\/azure\/prod\/, o\/kubernetes\/prod\/: not among this run's stages \(--stage dev\)$/m);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'o', 'manifest.json'), 'utf8')) as { artifacts: { path: string }[] };
    expect([...new Set(manifest.artifacts.map((a) => a.path.split('/')[0]))].sort()).toEqual(readdirSync(path.join(dir, 'o')).filter((e) => e !== 'manifest.json').sort());
    expect(readdirSync(path.join(dir, 'o'))).toEqual(expect.arrayContaining(['azure', 'kubernetes']));
    expect(listFiles(path.join(dir, 'o')).filter((f) => f.includes('prod/') || f.startsWith('apigee/'))).toEqual([]);
    const json = JSON.parse((await cli(['synth', 'g.yaml', '--target', 'azure', '--out', 'o', '--json'], dir)).out) as { removed: string[] };
    expect(json.removed).toEqual(['kubernetes/']);
    // Nothing removed, nothing said.
    expect((await cli(['synth', 'g.yaml', '--target', 'azure', '--out', 'o'], dir)).out).not.toMatch(/removed/);
    // A target that fails this time loses its earlier folder too, and the line says why.
    writeFileSync(path.join(dir, 'g.yaml'), readFileSync(path.join(dir, 'g.yaml'), 'utf8').replace('auth: none }', 'auth: none, cache: { ttlSeconds: 60 } }'));
    const failed = await cli(['synth', 'g.yaml', '--target', 'azure', '--azure-sku', 'Consumption', '--out', 'o'], dir);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/^removed o\/azure\/: the earlier artifacts of a target that failed above/m);
    expect(failed.out).not.toMatch(/not among this run's targets/);
  });
});

describe('syncDir', () => {
  it('keeps content-addressed asset files and directories that exist, moves the rest, removes stale files', () => {
    const { mkdirSync } = require('node:fs') as typeof import('node:fs');
    const { syncDir } = require('../../bin/synth/files') as typeof import('../../bin/synth/files');
    const out = scratch('sync');
    const h = 'a'.repeat(64);
    const put = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
      writeFileSync(path.join(out, rel), text);
    };
    put(`aws/asset.${h}.json`, 'body');
    put(`aws/asset.${h}/index.js`, 'code');
    put('aws/template.json', 'same');
    put('aws/old.json', 'stale');
    const past = age(out);
    put(`tmp/asset.${h}.json`, 'body');
    put(`tmp/asset.${h}/index.js`, 'code');
    put('tmp/template.json', 'same');
    put('tmp/new.json', 'new');
    syncDir(out, path.join(out, 'tmp'), path.join(out, 'aws'));
    expect(listFiles(path.join(out, 'aws')).sort()).toEqual([`asset.${h}.json`, `asset.${h}/index.js`, 'new.json', 'template.json'].sort());
    expect(existsSync(path.join(out, 'tmp'))).toBe(false);
    for (const f of [`asset.${h}.json`, `asset.${h}/index.js`, 'template.json']) expect(statSync(path.join(out, 'aws', f)).mtimeMs).toBe(past);
  });
});
