import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { toGatewaySpec } from '../../lib/model/normalize';
import { loadSpecFile } from '../../lib/model/load';
import gw from '../../examples/petstore/gateway';
import { shuffled, shuffleKeys } from '../helpers';

const root = path.join(__dirname, '..', '..');

describe('petstore example', () => {
  const fromTs = loadSpecFile(path.join(root, 'examples/petstore/gateway.ts')).spec;
  const fromYaml = loadSpecFile(path.join(root, 'examples/petstore/gateway.yaml')).spec;

  it('the TypeScript and YAML definitions load to the identical GatewaySpec', () => {
    expect(JSON.stringify(fromTs)).toBe(JSON.stringify(fromYaml));
    expect(JSON.stringify(gw.toSpec())).toBe(JSON.stringify(fromYaml));
  });

  it('uses every model feature', () => {
    const s = fromYaml;
    const types = (o: Record<string, { type: string }>) => new Set(Object.values(o).map((x) => x.type));
    expect(types(s.backends)).toEqual(new Set(['http', 'function', 'mock']));
    expect(types(s.authorizers)).toEqual(new Set(['jwt', 'apiKey']));
    expect(Object.keys(s.plans)).toHaveLength(2);
    expect(Object.keys(s.stages)).toEqual(['dev', 'prod']);
    expect(s.routes.some((r) => r.rateLimit)).toBe(true);
    expect(s.routes.some((r) => r.cache?.key.query.length)).toBe(true);
    expect(s.routes.some((r) => r.transform?.request?.setHeaders)).toBe(true);
    expect(s.routes.some((r) => r.transform?.request?.setQuery)).toBe(true);
    expect(s.cors).toBeDefined();
    expect(s.ipRules?.deny.length).toBeGreaterThan(0);
  });

  it('is the same JSON whatever the order of routes and keys in the input', () => {
    const input = parse(readFileSync(path.join(root, 'examples/petstore/gateway.yaml'), 'utf8'));
    const reference = JSON.stringify(toGatewaySpec(input));
    for (let seed = 1; seed <= 20; seed++) {
      const variant = shuffleKeys({ ...input, routes: shuffled(input.routes, seed) }, seed);
      expect(JSON.stringify(toGatewaySpec(variant))).toBe(reference);
    }
  });
});

describe('parsed forms on the normalized spec', () => {
  it('hands compilers parsed templates, rewrite paths, body leaves and the base path', () => {
    const { toGatewaySpec } = require('../../lib/model/normalize') as typeof import('../../lib/model/normalize');
    const spec = toGatewaySpec({
      name: 't',
      basePath: '/v1',
      backends: { b: { type: 'http', url: 'https://b.example.com' } },
      authorizers: { j: { type: 'jwt', issuer: 'https://id.example.com', audiences: ['a'] } },
      routes: [
        { method: 'GET', path: '/p/{id}', backend: 'b', auth: ['j'], transform: { request: { setHeaders: { 'x-u': 'u=${claim.sub}' }, setQuery: { q: '${path.id}' }, rewritePath: '/in/{id}', body: { a: ['${header.x-t}'] } } } },
        { method: 'GET', path: '/plain', backend: 'b', auth: 'none' },
      ],
    });
    expect(spec.basePathSegments).toEqual([{ kind: 'literal', value: 'v1' }]);
    const r = spec.routes.find((x) => x.path === '/p/{id}')!;
    expect(r.templates).toEqual({
      setHeaders: { 'x-u': [{ kind: 'text', text: 'u=' }, { kind: 'ref', source: 'claim', name: 'sub' }] },
      setQuery: { q: [{ kind: 'ref', source: 'path', name: 'id' }] },
      rewritePath: [{ kind: 'literal', value: 'in' }, { kind: 'param', name: 'id', greedy: false, prefix: '', suffix: '' }],
      body: [{ path: ['a', 0], parts: [{ kind: 'ref', source: 'header', name: 'x-t' }] }],
      responseHeaders: {},
    });
    expect(spec.routes.find((x) => x.path === '/plain')!.templates).toBeUndefined();
  });

  it('keeps response header values as literal text (placeholders too: the same on every target), and adds version deprecation headers', () => {
    const { toGatewaySpec } = require('../../lib/model/normalize') as typeof import('../../lib/model/normalize');
    const { expandVersions } = require('../../lib/model/versions') as typeof import('../../lib/model/versions');
    const spec = toGatewaySpec({
      name: 't',
      backends: { b: { type: 'http', url: 'https://b.example.com' } },
      versions: { scheme: 'path', list: [{ name: 'v1', deprecated: '2026-01-01T00:00:00Z' }] },
      routes: [{ method: 'GET', path: '/r', backend: 'b', auth: 'none', transform: { response: { setHeaders: { 'x-s': '${stage.region}', 'x-lit': 'a ${oops' } } } }],
    });
    const r = spec.routes[0];
    expect(r.templates).toEqual({
      setHeaders: {},
      setQuery: {},
      rewritePath: undefined,
      body: [],
      responseHeaders: { 'x-s': [{ kind: 'text', text: '${stage.region}' }], 'x-lit': [{ kind: 'text', text: 'a ${oops' }] },
    });
    const [v1] = expandVersions(spec).routes;
    expect(Object.keys(v1.templates!.responseHeaders).sort()).toEqual(['Deprecation', 'x-lit', 'x-s']);
    expect(v1.templates!.responseHeaders.Deprecation).toEqual([{ kind: 'text', text: v1.transform!.response!.setHeaders!.Deprecation }]);
    expect(v1.templates!.rewritePath).toEqual(r.segments);
  });
});
