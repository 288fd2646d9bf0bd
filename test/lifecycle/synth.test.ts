/**
 * A spec with two versions (v1 deprecated), a route only v2 serves and a 10% canary synthesizes on
 * every target, passes each cloud's validator, and replaces nothing an unversioned spec deployed:
 * the existing API's, stages', keys' and plans' logical ids and names stay as they were.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { writeBundleDir } from '../../providers/apigee/bundle';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import type { PlannedResource } from '../../providers/shared/resources';
import { resourcesOfType, synthAws } from '../aws/helpers';
import { baseSpec } from '../helpers';
import { k8sProblems } from '../kubernetes/crd';
import { apigeelintBundles, apimPolicyErrors, cfnLintErrors, scratch } from '../validators';
import { lifecycleSpec, unversionedSpec } from './fixtures';

const STATEFUL_AWS = ['AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::UsagePlanKey'];
const STATEFUL_AZURE = ['Api', 'Product', 'Subscription', 'Backend', 'NamedValue'].map((t) => `azure-native:apimanagement:${t}`);
const ID_INPUTS = ['apiId', 'path', 'productId', 'sid', 'backendId', 'namedValueId'];

function awsIdentity(json: Record<string, any>) {
  return Object.fromEntries(STATEFUL_AWS.flatMap((t) => resourcesOfType(json, t)).map(([id, r]) => [id, { type: r.Type, name: r.Properties.Name ?? r.Properties.StageName ?? null }]));
}

function azureIdentity(resources: readonly PlannedResource[]) {
  return Object.fromEntries(resources.filter((r) => STATEFUL_AZURE.includes(r.type)).map((r) => [r.name, { type: r.type, ...Object.fromEntries(ID_INPUTS.filter((k) => k in r.inputs).map((k) => [k, r.inputs[k]])) }]));
}

describe('two versions (v1 deprecated) and a 10% canary', () => {
  it('AWS: versions under their path segment in the one RestApi, the stage canary, cfn-lint clean; nothing stateful replaced', () => {
    const before = synthAws(baseSpec());
    const after = synthAws(lifecycleSpec('path'));
    const stage = resourcesOfType(after.json, 'AWS::ApiGateway::Stage')[0][1].Properties;
    expect(stage.CanarySetting).toEqual({ DeploymentId: { Ref: expect.stringMatching(/^GatewayDeployment/) }, PercentTraffic: 10, StageVariableOverrides: { anygate_backend_api: 'next.example.com' } });
    expect(stage.Variables.anygate_backend_api).toBe('api.example.com');
    const body = resourcesOfType(after.json, 'AWS::ApiGateway::RestApi')[0][1].Properties.Body;
    expect(Object.keys(body.paths).sort()).toEqual(['/v1/health', '/v1/items', '/v1/items/{id}', '/v2/health', '/v2/items', '/v2/items/{id}']);
    expect(body.paths['/v2/items/{id}'].get['x-amazon-apigateway-integration'].uri).toBe('https://${stageVariables.anygate_backend_api}/items/{id}');
    expect(Object.keys(body.paths['/v1/items/{id}'])).not.toContain('delete');
    expect(after.gateway.plan.transform!.config.routes.filter((r) => r.response.setHeaders.Deprecation === '@1780272000').map((r) => r.resource).sort()).toEqual(['/v1/items', '/v1/items/{id}']);
    // The mock route answers them from its integration response.
    expect(body.paths['/v1/health'].get['x-amazon-apigateway-integration'].responses.default.responseParameters).toMatchObject({ 'method.response.header.Deprecation': "'@1780272000'", 'method.response.header.Sunset': "'Sun, 31 Jan 2027 00:00:00 GMT'" });
    const dir = scratch('lifecycle-cfn');
    const file = path.join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(after.json));
    expect(cfnLintErrors(file)).toEqual([]);
    expect(awsIdentity(after.json)).toMatchObject(awsIdentity(before.json));
  });

  it('AWS refuses header and query versioning by record, naming the fix', () => {
    for (const scheme of ['header', 'query'] as const) {
      expect(targetProblems(toGatewaySpec(lifecycleSpec(scheme)), 'aws').map(formatProblem)).toEqual([expect.stringMatching(new RegExp(`^gateway: versions\\.scheme on aws: a REST API selects a method by path and HTTP method only.*use versions\\.scheme path on AWS$`))]);
    }
  });

  it.each(['path', 'header', 'query'] as const)('Azure (%s): a version set, one Api per version, a weighted pool; xmllint clean; the first version keeps the Api', (scheme) => {
    const before = compileAzure(toGatewaySpec(baseSpec()));
    const after = compileAzure(toGatewaySpec(lifecycleSpec(scheme)));
    const set = after.resources.find((r) => r.type.endsWith(':ApiVersionSet'))!;
    expect(set.inputs).toMatchObject({ versioningScheme: { path: 'Segment', header: 'Header', query: 'Query' }[scheme], versionSetId: 'shop-prod-versions' });
    if (scheme === 'header') expect(set.inputs.versionHeaderName).toBe('Api-Version');
    if (scheme === 'query') expect(set.inputs.versionQueryName).toBe('api-version');
    const apis = after.resources.filter((r) => r.type.endsWith(':Api'));
    expect(apis.map((a) => [a.name, a.inputs.apiId, a.inputs.apiVersion, a.inputs.path])).toEqual([
      ['api', 'shop-prod', 'v1', 'prod'],
      ['api-v2', 'shop-prod-v2', 'v2', 'prod'],
    ]);
    expect(after.resources.filter((r) => r.type.endsWith(':ApiOperation') && r.name.startsWith('api-v2-')).map((r) => r.inputs.urlTemplate).sort()).toEqual(['/health', '/items', '/items/{id}', '/items/{id}']);
    expect(after.apiPolicy).toContain('<set-header name="Sunset" exists-action="override">');
    expect(after.versionApis![0].apiPolicy).not.toContain('Sunset');
    const pool = after.resources.find((r) => r.name === 'backend-api')!;
    expect(pool.inputs).toMatchObject({ type: 'Pool', pool: { services: [{ weight: 90 }, { weight: 10 }] } });
    expect(azureIdentity(after.resources)).toMatchObject(azureIdentity(before.resources));
    const dir = scratch('lifecycle-apim');
    const policies = after.resources.filter((r) => r.inputs.format === 'rawxml').map((r, i) => {
      const f = path.join(dir, `${i}.xml`);
      writeFileSync(f, String(r.inputs.value));
      return f;
    });
    expect(policies.length).toBeGreaterThan(4);
    expect(apimPolicyErrors(policies)).toBe('');
  });

  it('Apigee: flows per version, a weighted LoadBalancer, apigeelint clean; proxy, products and apps unchanged', () => {
    const before = compileApigee(toGatewaySpec(unversionedSpec()));
    const plans = (['path', 'header', 'query'] as const).map((s) => compileApigee(toGatewaySpec(lifecycleSpec(s))));
    const flows = (i: number) => [...plans[i].files['proxies/default.xml'].matchAll(/<Condition>(\(proxy\.pathsuffix[^<]*)<\/Condition>/g)].map((m) => m[1]);
    expect(flows(0)).toContain('(proxy.pathsuffix MatchesPath "/v1/items/*") and (request.verb = "GET")');
    expect(flows(1)).toContain('(proxy.pathsuffix MatchesPath "/items/*") and (request.verb = "DELETE") and (request.header.Api-Version = "v2")');
    expect(flows(2)).toContain('(proxy.pathsuffix MatchesPath "/items/*") and (request.verb = "GET") and (request.queryparam.api-version = "v1")');
    for (const p of plans) {
      expect(p.files[Object.keys(p.files).find((k) => k.startsWith('targets/api'))!]).toMatch(/<Algorithm>Weighted<\/Algorithm>\s*<Server name="shop-api-1">\s*<Weight>90<\/Weight>\s*<\/Server>\s*<Server name="shop-api-2">\s*<Weight>10<\/Weight>/);
      expect(p.proxyName).toBe(before.proxyName);
      expect(p.products.map((x) => x.name)).toEqual(before.products.map((x) => x.name));
      expect(p.apps.map((x) => x.name)).toEqual(before.apps.map((x) => x.name));
    }
    const dirs = plans.map((p, i) => {
      const d = scratch(`lifecycle-apigee-${i}`);
      writeBundleDir(p, d);
      return d;
    });
    const findings = apigeelintBundles(dirs);
    expect(Object.values(findings).flat().filter((f) => f.severity === 'error')).toEqual([]);
  });

  it.each(['path', 'header', 'query'] as const)('Kubernetes (%s): version matches, weighted backendRefs, the CRD schemas', (scheme) => {
    const plan = compileKubernetes(toGatewaySpec(lifecycleSpec(scheme)));
    const objects = plan.stages.flatMap((s) => s.objects);
    expect(objects.flatMap(k8sProblems)).toEqual([]);
    const rules = objects.filter((o) => o.kind === 'HTTPRoute').flatMap((o) => (o.spec as any).rules);
    const refs = rules.flatMap((r: any) => r.backendRefs ?? []).filter((b: any) => b.weight);
    expect(refs.map((b: any) => b.weight).sort()).toContain(10);
    const matches = rules.flatMap((r: any) => r.matches);
    if (scheme === 'header') expect(matches).toContainEqual(expect.objectContaining({ method: 'DELETE', headers: [{ type: 'Exact', name: 'Api-Version', value: 'v2' }] }));
    if (scheme === 'query') expect(matches).toContainEqual(expect.objectContaining({ method: 'DELETE', queryParams: [{ type: 'Exact', name: 'api-version', value: 'v2' }] }));
    if (scheme === 'path') expect(matches.map((m: any) => m.path.value)).toContainEqual(expect.stringContaining('/v2/items/'));
  });
});
