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
