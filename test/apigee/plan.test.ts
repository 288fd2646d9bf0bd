/** Issue 15 (Apigee): the plan carries its resources; synth writes resources.json from it, without Pulumi. */
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { synthApigee } from '../../bin/synth/apigee';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { namedResources } from '../../providers/apigee/resources';
import { QUOTA_START } from '../../providers/apigee/policies';
import { isDeployRef } from '../../providers/shared/resources';
import { scratch } from '../validators';

const petstore = toGatewaySpec(parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8')));

describe('ApigeePlan resources', () => {
  const plan = compileApigee(petstore);

  it('deploy-time values are typed references, never "binding:x" strings', () => {
    expect(JSON.stringify(plan)).not.toContain('binding:');
    const refs: unknown[] = [];
    const walk = (v: unknown): void => {
      if (isDeployRef(v)) refs.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    plan.resources.forEach((r) => walk(r.inputs));
    expect(refs).toContainEqual({ $ref: 'binding', binding: 'orders-fn', property: 'host' });
    expect(refs).toContainEqual({ $ref: 'arg', name: 'configBundle' });
    for (const r of plan.resources) for (const d of r.dependsOn) expect(plan.resources.some((x) => x.name === d)).toBe(true);
  });

  it('adding a route renames no resource', () => {
    const more = { ...petstore, routes: [...petstore.routes, { ...petstore.routes[0], id: 'listPets2', path: '/pets2', segments: [{ kind: 'literal' as const, value: 'pets2' }] }] };
    expect(compileApigee(more).resources.map((r) => r.name)).toEqual(plan.resources.map((r) => r.name));
  });

  it('synth writes resources.json straight from the plan, named as the component names them', async () => {
    const out = scratch('apigee-synth');
    const r = await synthApigee(petstore, out, ['dev', 'prod'], undefined);
    const written = JSON.parse(readFileSync(path.join(out, 'apigee/resources.json'), 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(namedResources(plan.resources, 'petstore'))));
    expect(r.resources).toBe(plan.resources.length);
    expect(r.artifacts.filter((a) => a.kind === 'bundle')).toHaveLength(1);
  });
});

describe('a plan without a quota or rate', () => {
  it('is unlimited: the plan counters run only when the key\'s product sets a quota or a rate (another plan\'s are no default)', () => {
    const spec = toGatewaySpec({
      name: 'shop',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      authorizers: { key: { type: 'apiKey' } },
      plans: { basic: { quota: { limit: 100, period: 'day' }, rateLimit: { requestsPerSecond: 5 } }, unlimited: { description: 'partners' } },
      consumers: { small: { plan: 'basic' }, partner: { plan: 'unlimited' } },
      stages: { prod: {} },
      routes: [{ id: 'items', method: 'GET', path: '/items', backend: 'api', auth: 'key' }],
    });
    const plan = compileApigee(spec);
    const flow = plan.files['proxies/default.xml']!;
    expect(flow).toMatch(/<Name>Q-key<\/Name>\s*<Condition>verifyapikey\.VA-key\.apiproduct\.developer\.quota\.limit != null<\/Condition>/);
    expect(flow).toMatch(/<Name>SA-plan-key<\/Name>\s*<Condition>verifyapikey\.VA-key\.apiproduct\.anygate-rate != null<\/Condition>/);
    const product = (n: string) => JSON.stringify(plan.resources.find((r) => r.type.endsWith(':ApiProduct') && JSON.stringify(r.inputs).includes(n))?.inputs);
    expect(product('shop-unlimited-prod')).not.toMatch(/quota|anygate-rate/);
    expect(product('shop-basic-prod')).toMatch(/quota/);
  });
});

it('starts calendar quotas on a Monday that is the 1st of a month, so weeks start on Mondays and months on the 1st', () => {
  const start = new Date(`${QUOTA_START.replace(' ', 'T')}Z`);
  expect([start.getUTCDay(), start.getUTCDate(), start.getUTCHours()]).toEqual([1, 1, 0]);
  const plan = compileApigee(petstore);
  const quotas = Object.entries(plan.files).filter(([f]) => /^policies\/Q-/.test(f));
  expect(quotas.length).toBeGreaterThan(0);
  for (const [, xml] of quotas) expect(xml).toContain(`<StartTime>${QUOTA_START}</StartTime>`);
});
