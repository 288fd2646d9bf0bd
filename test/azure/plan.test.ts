/**
 * Issue 15 (Azure): the plan carries its resources; synth writes them without Pulumi; the
 * OpenAPI-value variant; the `azure:` option blocks are read or refused.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAzure } from '../../providers/azure/compile';
import { baseSpec, errorsOf, refusals } from '../helpers';

type Spec = Record<string, any>;
const root = path.join(__dirname, '../..');
const petstore = (): Spec => parse(readFileSync(path.join(root, 'examples/petstore/gateway.yaml'), 'utf8'));

describe('the plan lists its resources', () => {
  const plan = compileAzure(toGatewaySpec(petstore()));

  it('with typed references instead of binding: strings, and dependencies that exist', () => {
    const names = new Set(plan.resources.map((r) => r.name));
    for (const r of plan.resources) for (const d of r.dependsOn) expect(names.has(d)).toBe(true);
    const text = JSON.stringify(plan.resources);
    expect(text).not.toContain('binding:');
    expect(plan.resources.find((r) => r.name === 'api')!.inputs.serviceName).toEqual({ $ref: 'arg', name: 'serviceName' });
    expect(plan.resources.find((r) => r.name === 'sub-petstore-acme')!.inputs.scope).toEqual({ $ref: 'resource', name: 'product-petstore-gold', property: 'id' });
  });

  it('adding a route adds its resources and renames none', () => {
    const s = petstore();
    s.routes.push({ id: 'extra', method: 'GET', path: '/extra', backend: 'pets', auth: 'none' });
    const after = compileAzure(toGatewaySpec(s)).resources.map((r) => r.name);
    const before = plan.resources.map((r) => r.name);
    expect(before.filter((n) => !after.includes(n))).toEqual([]);
    expect(after.filter((n) => !before.includes(n)).sort()).toEqual(['op-extra', 'op-extra-policy']);
  });

  it('bin/synth/azure loads no Pulumi module', () => {
    const script = "require('./bin/synth/azure'); process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('@pulumi'))))";
    // Node with tsx's CommonJS hook rather than the tsx CLI, which starts a second Node (2.4 s of CPU -> 0.9 s).
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(out).toBe('false');
  });
});

describe("apiDefinition 'openapi'", () => {
  it('carries every operation in the Api value and keeps operation policies as resources', () => {
    const s = petstore();
    s.routes = s.routes.filter((r: Spec) => r.id !== 'files');
    const plan = compileAzure(toGatewaySpec(s), { apiDefinition: 'openapi' });
    const api = plan.resources.find((r) => r.name === 'api')!;
    expect(api.inputs.format).toBe('openapi+json');
    const doc = JSON.parse(String(api.inputs.value));
    expect(Object.keys(doc.paths).sort()).toEqual(['/orders', '/orders/{orderId}', '/pets', '/pets/{petId}', '/status']);
    expect(doc.paths['/pets'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/createPetBody' });
    expect(plan.resources.filter((r) => r.type.endsWith(':ApiOperation'))).toEqual([]);
    expect(plan.resources.filter((r) => r.type.endsWith(':ApiOperationPolicy')).length).toBe(plan.operations.filter((o) => o.policy).length);
  });

  it('refuses ANY routes and greedy parameters, each named (one route can be both)', () => {
    expect(refusals(() => compileAzure(toGatewaySpec(petstore()), { apiDefinition: 'openapi' }))).toEqual([
      "files route.any azure (Developer): apiDefinition 'openapi' cannot carry an ANY route (OpenAPI has no * method); use apiDefinition 'operations'",
      "files path.greedy azure (Developer): apiDefinition 'openapi' cannot carry a greedy path parameter (an OpenAPI path template matches one segment); use apiDefinition 'operations'",
    ]);
  });
});

describe('azure: option blocks', () => {
  it('the gateway block sets compile options; the caller wins', () => {
    const s = baseSpec();
    s.azure = { versioning: 'Header', apiDefinition: 'operations' };
    expect(compileAzure(toGatewaySpec(s)).versionSet).toMatchObject({ scheme: 'Header' });
    expect(compileAzure(toGatewaySpec(s), { versioning: 'Query' }).versionSet).toMatchObject({ scheme: 'Query' });
  });

  it('unknown fields, bad values and route blocks are located validation errors', () => {
    const s = baseSpec();
    s.azure = { skuu: 'Premium', versioning: 'Path' };
    s.routes[0].azure = { timeout: 5 };
    expect(errorsOf(s)).toEqual([
      expect.stringMatching(/^azure\.versioning: must be one of "Segment", "Header", "Query"/),
      expect.stringMatching(/^azure\.skuu: unknown key "skuu" \(did you mean "sku"\?\)/),
      expect.stringMatching(/^routes\[0\]\.azure: unknown key "azure"/),
    ]);
  });

});
