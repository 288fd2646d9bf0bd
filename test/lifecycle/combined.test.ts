/**
 * The acceptance spec (#31): two versions (v1 deprecated), a custom domain with mutual TLS
 * on each stage, and a 10% version canary synthesizes on every target whose records allow it and
 * passes its validator (cfn-lint, the APIM policy XSD, the CRD schemas); Apigee refuses mutual TLS
 * by record (its load balancer checks certificates), naming nothing else.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { resourcesOfType, synthAws } from '../aws/helpers';
import { portableSpec } from '../domains/fixtures';
import { k8sProblems } from '../kubernetes/crd';
import { apimPolicyErrors, cfnLintErrors, scratch } from '../validators';

function acceptanceSpec(): Record<string, any> {
  const s = portableSpec();
  // Certificate headers are refused on AWS by record (no header mapping of the client certificate).
  for (const d of s.domains) delete d.mtls.clientCertificate;
  s.backends['api-next'] = { type: 'http', url: 'https://next.example.com' };
  s.versions = { scheme: 'path', list: [{ name: 'v1', deprecated: '2026-06-01', sunset: '2027-01-31' }, { name: 'v2' }] };
  s.routes[0].versions = ['v1'];
  s.routes.push({ id: 'getItemNext', method: 'GET', path: '/items/{id}', backend: 'api-next', auth: 'key', versions: ['v2'] });
  s.release = { canary: { percent: 10, version: 'v2' } };
  return s;
}

describe('two versions (one deprecated), a custom domain with mTLS and a 10% canary', () => {
  const spec = toGatewaySpec(acceptanceSpec());

  it('AWS: the domain with its truststore, the paired v1 route on the stage canary; cfn-lint clean', () => {
    expect(targetProblems(spec, 'aws')).toEqual([]);
    const { json } = synthAws(acceptanceSpec());
    expect(resourcesOfType(json, 'AWS::ApiGateway::DomainName').map(([, r]) => r.Properties.MutualTlsAuthentication)).toContainEqual({ TruststoreUri: 's3://shop-trust/ca.pem' });
    const prod = resourcesOfType(json, 'AWS::ApiGateway::Stage').map(([, r]) => r.Properties).find((p) => p.StageName === 'prod')!;
    expect(prod.CanarySetting).toMatchObject({ PercentTraffic: 10, StageVariableOverrides: { anygate_backend_api_v1: 'next.example.com' } });
    const file = path.join(scratch('lifecycle-acceptance-cfn'), 'template.json');
    writeFileSync(file, JSON.stringify(json));
    expect(cfnLintErrors(file)).toEqual([]);
  });

  it('Azure: a version set, validate-client-certificate and the pool; the policy XSD clean', () => {
    expect(targetProblems(spec, 'azure')).toEqual([]);
    const plan = compileAzure(spec);
    const policies = plan.resources.filter((r) => r.inputs.format === 'rawxml');
    expect(policies.map((r) => String(r.inputs.value)).join('\n')).toContain('<validate-client-certificate');
    expect(plan.resources.find((r) => r.name === 'backend-api-v1')!.inputs).toMatchObject({ type: 'Pool' });
    expect(plan.resources.filter((r) => r.type.endsWith(':ApiVersionSet'))).toHaveLength(1);
    const dir = scratch('lifecycle-acceptance-apim');
    const files = policies.map((r, i) => {
      const f = path.join(dir, `${i}.xml`);
      writeFileSync(f, String(r.inputs.value));
      return f;
    });
    expect(apimPolicyErrors(files)).toBe('');
  });

  it('Kubernetes: mTLS listeners, version matches and the weighted v1 rule; the CRD schemas clean', () => {
    expect(targetProblems(spec, 'kubernetes')).toEqual([]);
    const objects = compileKubernetes(spec).stages.flatMap((s) => s.objects);
    expect(objects.flatMap(k8sProblems)).toEqual([]);
    expect(objects.filter((o) => o.kind === 'ClientTrafficPolicy').length).toBeGreaterThan(0);
    const rules = objects.filter((o) => o.kind === 'HTTPRoute').flatMap((o) => (o.spec as any).rules);
    expect(rules.filter((r: any) => r.backendRefs?.some((b: any) => b.weight === 10)).map((r: any) => r.matches[0].path.value)).toEqual([expect.stringMatching(/^\/v1\/items\//), expect.stringMatching(/^\/v1\/items\//)]);
  });

  it('Apigee: refused by record for mutual TLS only, naming the load balancer; without mtls it synthesizes', () => {
    expect(targetProblems(spec, 'apigee').map(formatProblem)).toEqual([expect.stringMatching(/^gateway: mtls on apigee \(INTERMEDIATE\): Apigee X checks client certificates at the external load balancer/)]);
    const plain = acceptanceSpec();
    for (const d of plain.domains) delete d.mtls;
    const apigee = compileApigee(toGatewaySpec(plain));
    expect(apigee.files['targets/api-v1-rewrite.xml']).toContain('<Algorithm>Weighted</Algorithm>');
  });
});
