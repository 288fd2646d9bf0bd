/**
 * API revisions (lib/model/revisions.ts): the model's rules, API Management's revision Apis
 * (`<apiId>;rev=N`, apiRevision, isCurrent, apiRevisionDescription) checked by xmllint, the
 * refusals of the targets that hold one content per address, and that declaring revisions
 * replaces nothing stateful an unrevised spec deployed.
 */
import { targetProblems } from '../../lib/capabilities/support';
import { SpecValidationError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { exportOpenApi, openApiFiles } from '../../lib/openapi/export';
import { compileAzure } from '../../providers/azure/compile';
import type { PlannedResource } from '../../providers/shared/resources';
import { startDev } from '../../dev/server';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { apimPolicyErrors, scratch } from '../validators';

function input(): Record<string, any> {
  return {
    name: 'shop',
    backends: { api: { type: 'http', url: 'https://api.example.com' }, next: { type: 'http', url: 'https://next.example.com' } },
    authorizers: { key: { type: 'apiKey' } },
    plans: { basic: { quota: { limit: 100, period: 'day' } } },
    consumers: { acme: { plan: 'basic' } },
    routes: [
      { id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'key', revisions: [1] },
      { id: 'getItemNext', method: 'GET', path: '/items/{id}', backend: 'next', auth: 'key', revisions: [2] },
      { id: 'deleteItem', method: 'DELETE', path: '/items/{id}', backend: 'next', auth: 'key', revisions: [2] },
      { id: 'health', method: 'GET', path: '/health', backend: 'api', auth: 'none' },
    ],
    stages: { prod: {} },
    revisions: { current: 1, list: [{ number: 1 }, { number: 2, description: 'items from the next backend; DELETE' }] },
  };
}

const errors = (s: Record<string, any>) => {
  try {
    toGatewaySpec(s);
    return [];
  } catch (e) {
    return (e as SpecValidationError).issues.filter((i) => i.severity === 'error').map((i) => `${i.path.join('.')}: ${i.message}`);
  }
};

describe('model', () => {
  it('routes of disjoint revisions share method and path; overlapping ones are duplicates', () => {
    expect(errors(input())).toEqual([]);
    const overlap = input();
    overlap.routes[1].revisions = [1, 2];
    expect(errors(overlap)).toEqual([expect.stringMatching(/^routes\.1: GET \/items\/\{id\} duplicates routes\[0\]/)]);
  });

  it('refuses a current revision not listed, an unknown route revision, a repeated number, revisions on routes of a spec without them', () => {
    const s = input();
    s.revisions.current = 3;
    s.revisions.list.push({ number: 2 });
    s.routes[2].revisions = [2, 4];
    expect(errors(s)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^revisions\.list\.2\.number: duplicates revisions\.list\[1\]/),
      expect.stringMatching(/^revisions\.current: is not in revisions\.list/),
      expect.stringMatching(/^routes\.\d\.revisions: unknown revision 4/),
    ]));
    const none = input();
    delete none.revisions;
    expect(errors(none)).toContainEqual(expect.stringMatching(/^routes\.\d\.revisions: the spec declares no revisions/));
  });
});

const byName = (rs: readonly PlannedResource[]) => new Map(rs.map((r) => [r.name, r]));

describe('OpenAPI', () => {
  it('routes of disjoint revisions on one method and path: export refuses naming them, synth writes one document per revision', () => {
    const spec = toGatewaySpec(input());
    expect(() => exportOpenApi(spec)).toThrow(/^routes getItem and getItemNext are both GET \/items\/\{id\} \(in different revisions\).*openapi\/revision-<n>\.json/);
    const files = openApiFiles(spec);
    expect(files.map((f) => [f.file, f.revision, Object.values(f.document.paths!).flatMap((item) => Object.values(item as Record<string, { operationId: string }>).map((o) => o.operationId)).sort()])).toEqual([
      ['openapi/revision-1.json', 1, ['getItem', 'health']],
      ['openapi/revision-2.json', 2, ['deleteItem', 'getItemNext', 'health']],
    ]);
  });
});

describe('Azure: one Api per revision', () => {
  const plan = compileAzure(toGatewaySpec(input()));
  const rs = byName(plan.resources);

  it('the current revision is the API\'s own Api; revision 2 is <apiId>;rev=2 made from it, with its own operations and policy', () => {
    expect(rs.get('api')!.inputs).toMatchObject({ apiId: 'shop-prod', path: 'prod', apiRevision: '1', isCurrent: true });
    expect(rs.get('api-rev-2')!.inputs).toMatchObject({ apiId: 'shop-prod;rev=2', path: 'prod', apiRevision: '2', apiRevisionDescription: 'items from the next backend; DELETE', sourceApiId: { $ref: 'resource', name: 'api' } });
    expect(rs.get('api-rev-2')!.inputs).not.toHaveProperty('isCurrent');
    const ops = (prefix: string) => [...rs.values()].filter((r) => r.type.endsWith(':ApiOperation') && r.name.startsWith(prefix)).map((r) => `${r.inputs.method} ${r.inputs.apiId}`).sort();
    expect(ops('op-')).toEqual(['GET shop-prod', 'GET shop-prod']);
    expect(ops('api-rev-2-op-')).toEqual(['DELETE shop-prod;rev=2', 'GET shop-prod;rev=2', 'GET shop-prod;rev=2']);
    // The revision's GET goes to its own backend: the policies differ.
    const policy = (name: string) => JSON.stringify([...rs.values()].filter((r) => r.type.endsWith(':ApiOperationPolicy') && r.name.startsWith(name)).map((r) => r.inputs.value));
    expect(policy('api-rev-2-op-')).toContain('shop-prod-next');
    expect(policy('op-')).not.toContain('shop-prod-next');
    // One set of service-level parts: backends, products, subscriptions are not repeated per revision.
    expect([...rs.values()].filter((r) => r.type.endsWith(':Subscription'))).toHaveLength(1);
  });

  it('every policy of every revision passes xmllint with the APIM schemas', () => {
    const policies = plan.resources.filter((r) => /:(Api|ApiOperation)Policy$/.test(r.type)).map((r) => ({ name: r.name, xml: String(r.inputs.value) }));
    expect(policies.some((p) => p.name.startsWith('api-rev-2'))).toBe(true);
    const dir = scratch('lifecycle-revisions');
    const files = policies.map((p) => {
      const f = path.join(dir, `${p.name}.xml`);
      writeFileSync(f, p.xml);
      return f;
    });
    expect(apimPolicyErrors(files)).toBe('');
  });

  it('declaring revisions replaces nothing: every resource of the unrevised spec keeps its name and ids', () => {
    const plain = input();
    delete plain.revisions;
    plain.routes = plain.routes.filter((r: any) => !r.revisions?.includes(2)).map(({ revisions: _r, ...r }: any) => r);
    const before = byName(compileAzure(toGatewaySpec(plain)).resources);
    for (const [name, r] of before) {
      expect(rs.has(name)).toBe(true);
      for (const k of ['apiId', 'path', 'productId', 'sid', 'backendId', 'namedValueId', 'operationId']) if (k in r.inputs) expect([name, k, rs.get(name)!.inputs[k]]).toEqual([name, k, r.inputs[k]]);
    }
  });
});

describe('the other targets hold one content per address: refused by record, naming the equivalent', () => {
  it.each([
    ['aws', /another stage .* or the canary/],
    ['apigee', /another environment \(a stage\) or a version/],
    ['kubernetes', /a header match \(versions: \{ scheme: header \}\) or another stage/],
  ] as const)('%s', (target, equivalent) => {
    const p = targetProblems(toGatewaySpec(input()), target).filter((x) => x.feature === 'revisions');
    expect(p).toHaveLength(1);
    expect(p[0].message).toMatch(equivalent);
  });

  it('azure refuses revisions beside versions (a version set would need revisions per version)', () => {
    const versioned = toGatewaySpec({ ...input(), versions: { scheme: 'header', list: [{ name: 'v1' }] } });
    expect(targetProblems(versioned, 'azure').find((x) => x.feature === 'revisions')?.message).toMatch(/revisions beside versions/);
  });

  it('one revision alone is one content: no target refuses it', () => {
    const one = input();
    one.revisions = { current: 1, list: [{ number: 1 }] };
    one.routes = one.routes.filter((r: any) => !r.revisions?.includes(2)).map(({ revisions: _r, ...r }: any) => r);
    for (const t of ['aws', 'apigee', 'kubernetes', 'azure'] as const) expect(targetProblems(toGatewaySpec(one), t).filter((x) => x.feature === 'revisions')).toEqual([]);
  });
});

describe('anygate dev', () => {
  it('azure: serves the current revision and says the others are not served', async () => {
    const dev = await startDev({ spec: toGatewaySpec(input()), profile: 'azure', port: 0, publishAdminToken: false, backends: { api: 'http://127.0.0.1:1', next: 'http://127.0.0.1:1' } });
    try {
      expect(dev.warnings).toContainEqual(expect.stringMatching(/^revisions: dev serves the current revision \(1\) only; the others \(;rev=2\)/));
      const res = await fetch(`${dev.url}/items/1`, { method: 'DELETE' });
      expect([404, 405]).toContain(res.status);
    } finally {
      await dev.close();
    }
  });
});
