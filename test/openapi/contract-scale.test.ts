/**
 * The size goal of issue 35, kept fast: a gateway whose every route carries a contract and
 * validates against it compiles on every target, and its emitted sizes grow linearly per route, so
 * 2,000 routes stay inside each cloud's limits (measured at 2,000 by bench/contract-scale.ts).
 * Sizes are counted at two small sizes and extrapolated; no clock is read.
 */
import { generateContractGateway } from '../../bench/gen-contract';
import { AWS_LIMITS, AZURE_LIMITS, APIGEE_LIMITS } from '../../lib/capabilities/limits';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';

const GOAL = 2000;

function sizes(n: number) {
  const aws = compileAws(toGatewaySpec(generateContractGateway(n, { typedParameters: false })));
  const spec = toGatewaySpec(generateContractGateway(n));
  const azure = compileAzure(spec);
  const apigee = compileApigee(spec);
  const k8s = compileKubernetes(toGatewaySpec(generateContractGateway(n, { validate: false })));
  return {
    awsBody: Buffer.byteLength(JSON.stringify(aws.body)),
    azurePolicy: Math.max(Buffer.byteLength(azure.apiPolicy), ...azure.operations.map((o) => Buffer.byteLength(o.policy ?? ''))),
    apigeeBundle: Object.values(apigee.files).reduce((s, f) => s + Buffer.byteLength(f), 0),
    k8sObjects: k8s.stages.reduce((s, st) => s + st.objects.length, 0),
    models: Object.keys((aws.body.components as { schemas?: object }).schemas ?? {}).length,
  };
}

describe('a contract on every route, at scale', () => {
  it('compiles on every target, and 2,000 routes extrapolate inside the size limits', () => {
    const a = sizes(40);
    const b = sizes(80);
    // Per-route growth from two sizes, projected to the goal (the fixed part counted once).
    const at = (k: 'awsBody' | 'apigeeBundle') => a[k] + ((b[k] - a[k]) / 40) * (GOAL - 40);
    expect(at('awsBody')).toBeLessThan(AWS_LIMITS.openApiImportBytes);
    expect(at('apigeeBundle')).toBeLessThan(APIGEE_LIMITS.bundleBytes);
    // A policy per operation: its size does not grow with the number of routes.
    expect(b.azurePolicy).toBe(a.azurePolicy);
    expect(b.azurePolicy).toBeLessThan(AZURE_LIMITS.policyBytes);
    // One model per component schema (a group of 8 routes shares one), not one per route.
    expect([a.models, b.models]).toEqual([5, 10]);
    expect(b.k8sObjects).toBeGreaterThan(a.k8sObjects);
  });
});
