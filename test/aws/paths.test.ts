import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAws } from '../../providers/aws/compile';

/** A small seeded generator (LCG), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const NAMES = ['id', 'itemId', 'userID', 'x'];
const LITERALS = ['user', 'card', 'a'];

/** Random route paths: up to 5 segments, each a literal or a parameter with a random name. */
function randomRoutes(seed: number): { method: string; path: string }[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const shapes = new Map<string, { method: string; path: string }>();
  const n = 3 + Math.floor(r() * 10);
  for (let i = 0; i < n; i++) {
    const depth = 1 + Math.floor(r() * 5);
    const segs: string[] = [];
    const used = new Set<string>();
    for (let d = 0; d < depth; d++) {
      if (r() < 0.5) segs.push(pick(LITERALS));
      else {
        const free = NAMES.filter((x) => !used.has(x));
        const name = pick(free);
        used.add(name);
        segs.push(`{${name}}`);
      }
    }
    const path = '/' + segs.join('/');
    // One route per shape: `/a/{id}` and `/a/{x}` are the same route to a gateway.
    shapes.set(path.replace(/\{[^}]+\}/g, '{}'), { method: 'GET', path });
  }
  return [...shapes.values()];
}

const specOf = (routes: { method: string; path: string }[]) =>
  toGatewaySpec({ name: 'paths', backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: routes.map((x) => ({ ...x, backend: 'api', auth: 'none' })) });

const params = (path: string) => path.split('/').slice(1).map((s) => /^\{(.+)\}$/.exec(s)?.[1]);

function checkPaths(routes: { method: string; path: string }[]): void {
  const spec = specOf(routes);
  const plan = compileAws(spec);
  const emitted = Object.keys(plan.body.paths as object);
  // Variable names are unique within each emitted path.
  for (const p of emitted) {
    const names = params(p).filter(Boolean);
    expect({ path: p, unique: new Set(names).size === names.length }).toEqual({ path: p, unique: true });
  }
  // Siblings share names: one variable name per position under the same parent.
  const atPosition = new Map<string, string>();
  for (const p of emitted) {
    const segs = p.split('/').slice(1);
    segs.forEach((s, i) => {
      const name = params(p)[i];
      if (!name) return;
      const parent = segs.slice(0, i).join('/');
      expect({ parent, name }).toEqual({ parent, name: atPosition.get(parent) ?? name });
      atPosition.set(parent, name);
    });
  }
  // Each backend parameter is fed from the variable at the position it had in the spec.
  for (const route of spec.routes) {
    const [path, item] = Object.entries<any>(plan.body.paths as object).find(([, it]) => it.get?.operationId === route.id)!;
    const mapping = item.get['x-amazon-apigateway-integration'].requestParameters ?? {};
    const apiNames = params(path);
    params(route.path).forEach((name, i) => {
      if (name) expect({ route: route.path, [name]: mapping[`integration.request.path.${name}`] }).toEqual({ route: route.path, [name]: `method.request.path.${apiNames[i]}` });
    });
  }
}

describe('AWS path variables (property: 300 random path sets)', () => {
  it('the banking-API shape: /user/{itemId} beside /user/{userID}/card/{itemId}', () => {
    const routes = [
      { method: 'GET', path: '/user/{itemId}' },
      { method: 'GET', path: '/user/{userID}/card/{itemId}' },
    ];
    checkPaths(routes);
    const plan = compileAws(specOf(routes));
    const item = (plan.body.paths as any)['/user/{itemId}/card/{itemId2}'].get;
    expect(item['x-amazon-apigateway-integration'].requestParameters).toEqual({
      'integration.request.path.itemId': 'method.request.path.itemId2',
      'integration.request.path.userID': 'method.request.path.itemId',
    });
  });

  it.each(Array.from({ length: 300 }, (_, i) => i + 1))('seed %i', (seed) => checkPaths(randomRoutes(seed)));
});

describe('AWS resource path parts: what API Gateway cannot create is refused at synth', () => {
  const { refusals } = require('../helpers') as typeof import('../helpers');
  it.each(['*', '~', '@', '=', '+', ',', '!', '%20', "'"])('a literal part holding %s is refused, located, with what to do', (c) => {
    const spec = specOf([{ method: 'GET', path: `/a${c}b/{id}` }]);
    expect(refusals(() => compileAws(spec))).toEqual([expect.stringMatching(/^get-a.*b-id spec\.strings aws: path \/a.*b\/\{id\}: path part "a.*b" holds characters API Gateway refuses in a resource path \(a part is letters, digits and \. _ - : \$, or a whole \{param\}\); rename the segment/)]);
  });

  it('letters, digits, . _ - : $ and whole parameters synthesize (CDK validateResourcePathPart allows : and $)', () => {
    expect(refusals(() => compileAws(specOf([{ method: 'GET', path: '/v1/items:batchGet/a.b_c-d$/{id}/{rest+}' }])))).toEqual([]);
  });

  it('the base path is checked too', () => {
    const spec = toGatewaySpec({ name: 'paths', basePath: '/api!v1', backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: [{ method: 'GET', path: '/a', backend: 'api', auth: 'none' }] });
    expect(refusals(() => compileAws(spec))).toEqual([expect.stringMatching(/^gateway spec\.strings aws: basePath \/api!v1: path part "api!v1"/)]);
  });
});
