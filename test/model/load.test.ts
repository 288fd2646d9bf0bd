import * as path from 'node:path';
import { AnygateError, formatIssue, SpecValidationError } from '../../lib/model/errors';
import { loadSpecFile } from '../../lib/model/load';

const fx = (f: string) => path.join(__dirname, '..', 'fixtures', f);

function issuesOf(file: string): string[] {
  try {
    loadSpecFile(file);
  } catch (e) {
    if (e instanceof SpecValidationError) return e.issues.map(formatIssue);
    throw e;
  }
  throw new Error('expected a validation error');
}

describe('loadSpecFile', () => {
  it('locates every YAML error at file:line:column with its spec path', () => {
    const f = fx('broken.yaml');
    expect(issuesOf(f)).toEqual([
      `${f}:12:19: routes[0].cache.ttlSeconds: must be at most 86400 (got 999999)`,
      `${f}:5:10: backends.api.url: must use https (got "http://api.example.com"); http is allowed only for localhost and 127.0.0.1`,
      `${f}:15:14: routes[1].backend: refers to backend "nowhere", which is not defined; defined backends: api`,
    ]);
  });

  it('reports malformed YAML with its position', () => {
    const issues = issuesOf(fx('malformed.yaml'));
    expect(issues[0]).toMatch(/malformed\.yaml:\d+:\d+: YAML syntax: /);
  });

  it('reports a missing file in one line', () => {
    expect(() => loadSpecFile(fx('absent.yaml'))).toThrow(/absent\.yaml: no such file/);
  });

  it('reports a TypeScript spec that throws, without a stack', () => {
    let err: unknown;
    try {
      loadSpecFile(fx('throws.ts'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnygateError);
    expect((err as Error).message).toMatch(/throws\.ts: the module threw while loading: spec module exploded on purpose/);
  });

  it('loads a module exporting plain spec data', () => {
    expect(loadSpecFile(fx('plain-object.ts')).spec.name).toBe('plain');
  });

  it('a TypeScript spec has no lines to point at: a route\'s error names the route (its id, else its method and path)', () => {
    const f = fx('route-typos.ts');
    expect(issuesOf(f)).toEqual([
      expect.stringMatching(/route-typos\.ts: routes\[1\]\.scope: \(route getOrder\) unknown key "scope"/),
      expect.stringMatching(/: routes\[2\]\.timeout: \(route POST \/orders\) unknown key "timeout"/),
    ]);
  });

  it('refuses unknown file types', () => {
    expect(() => loadSpecFile(__filename.replace(/\.ts$/, '.txt'))).toThrow(/no such file|unknown file type/);
  });
});

describe('JSON specs', () => {
  const { mkdtempSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anygate-json-'));
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const spec = { name: 'j', backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: [{ method: 'GET', path: '/a', backend: 'api', auth: 'none' }] };

  it('loads with JSON.parse and still locates issues at line:column', () => {
    expect(loadSpecFile(write('ok.json', JSON.stringify(spec, null, 2))).spec.routes).toHaveLength(1);
    const bad = JSON.stringify({ ...spec, routes: [{ ...spec.routes[0], timeoutMs: 0 }] }, null, 2);
    const f = write('bad.json', bad);
    const line = bad.split('\n').findIndex((l) => l.includes('"timeoutMs"')) + 1;
    expect(issuesOf(f)).toEqual([expect.stringMatching(new RegExp(`bad\\.json:${line}:\\d+: routes\\[0\\]\\.timeoutMs: `))]);
  });

  it('words a syntax error with its position', () => {
    expect(issuesOf(write('syntax.json', '{\n  "name": "j",\n  "routes": [,]\n}'))[0]).toMatch(/syntax\.json:3:\d+: JSON syntax: /);
  });

  it('refuses a repeated key, which JSON.parse would silently resolve to the last one', () => {
    const text = '{\n  "name": "j",\n  "backends": { "api": { "type": "http", "url": "https://api.example.com" } },\n  "routes": [{ "method": "GET", "path": "/a", "backend": "api", "auth": ["k"], "auth": "none" }]\n}';
    expect(issuesOf(write('dup.json', text))).toEqual([expect.stringMatching(/dup\.json:4:\d+: JSON syntax: Map keys must be unique \("auth" is repeated\)/)]);
  });
});
