/**
 * Refusals that lived in compilers and binders with hand-written messages, one case each: the
 * decision is now a capability record (or the size record a compiler's measurement reaches), so
 * the records (targetProblems, what `anygate dev` reads), the portability report with compilers
 * (`anygate portability`) and synth give the same lines. Each case failed before the move: the
 * records said nothing, or the report dropped the compiler's problem.
 */
import { bindingProblems } from '../../lib/capabilities/bindings';
import { portability } from '../../lib/capabilities/portability';
import { emittedProblems, targetProblems } from '../../lib/capabilities/support';
import type { SupportOptions, Target } from '../../lib/capabilities/types';
import { formatProblem, SynthesisError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { bundleBytes, bundleZip } from '../../providers/apigee/bundle';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { compilers } from '../../bin/synth/compilers';
import { baseSpec } from '../helpers';

const COMPILE: Record<Target, (s: GatewaySpec, o: SupportOptions) => unknown> = {
  aws: (s, o) => compileAws(s, { ...o.aws, stages: o.aws?.stages ? [...o.aws.stages] : undefined }),
  azure: (s, o) => compileAzure(s, { ...o.azure }),
  apigee: (s) => compileApigee(s),
  kubernetes: (s, o) => compileKubernetes(s, o.kubernetes),
};

function synthLines(spec: GatewaySpec, target: Target, o: SupportOptions = {}): string[] {
  try {
    COMPILE[target](spec, o);
    return [];
  } catch (e) {
    if (e instanceof SynthesisError) return e.problems.map(formatProblem).sort();
    throw e;
  }
}

const recordLines = (spec: GatewaySpec, target: Target, o: SupportOptions = {}) => targetProblems(spec, target, o).map(formatProblem).sort();

/** The report as `anygate portability` builds it (compilers included), for one target. */
const reportLines = (spec: GatewaySpec, target: Target) => portability(spec, [target], { compilers: compilers() }).problems.map(formatProblem).sort();

/** baseSpec with a JWKS URI, which Apigee and Kubernetes need. */
function base(): Record<string, any> {
  const s = baseSpec();
  s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
  return s;
}

function jwtRoutes(n: number): GatewaySpec {
  const s = baseSpec();
  for (let i = 0; i < n; i++) {
    s.authorizers[`j${i}`] = { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], jwksUri: 'https://id.example.com/jwks' };
    s.routes.push({ method: 'GET', path: `/j/${i}`, backend: 'api', auth: [`j${i}`] });
  }
  return toGatewaySpec(s);
}

describe('spec-phase refusals moved into the records', () => {
  it('AWS: more Lambda authorizers than the REST API quota is the auth record', () => {
    const spec = jwtRoutes(10); // jwt + j0..j9: 11 distinct authorizer definitions
    const lines = recordLines(spec, 'aws');
    expect(lines.join('\n')).toMatch(/gateway: auth on aws: the routes need 11 API Gateway authorizers \(anygate-jwt, anygate-j0, .*\), over the default quota of 10 per REST API/);
    expect(lines).toEqual(synthLines(spec, 'aws'));
    expect(recordLines(jwtRoutes(9), 'aws')).toEqual([]);
    expect(synthLines(jwtRoutes(9), 'aws')).toEqual([]);
  });

  it('Kubernetes: a selected stage the spec lacks is the stage record (compile option stages)', () => {
    const spec = toGatewaySpec(baseSpec());
    const o: SupportOptions = { kubernetes: { stages: ['prod', 'qa'] } };
    expect(recordLines(spec, 'kubernetes', o).join('\n')).toMatch(/gateway: stage on kubernetes: .*qa/);
    expect(recordLines(spec, 'kubernetes', o)).toEqual(synthLines(spec, 'kubernetes', o));
  });

  it('Kubernetes: the kubernetes block as the compile options amend it is checked by the records', () => {
    const s = baseSpec();
    s.stages = { prod: {}, dev: {} };
    const spec = toGatewaySpec(s);
    const o: SupportOptions = { kubernetes: { namespaces: { prod: 'shop', dev: 'shop' } } };
    expect(recordLines(spec, 'kubernetes', o).join('\n')).toMatch(/options\.target on kubernetes: kubernetes\.namespaces\.prod: namespace shop is also stage dev's/);
    expect(recordLines(spec, 'kubernetes', o)).toEqual(synthLines(spec, 'kubernetes', o));
  });

  it("Kubernetes: a function binding's Service named like a generated backend Service is the backend.http record, in the spec's functions, the options' or by the binding's own name", () => {
    const s = baseSpec();
    s.stages = { prod: {} };
    s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
    const byName = toGatewaySpec({ ...s, backends: { ...s.backends, fn: { type: 'function', binding: 'shop-api' } } });
    const inSpec = toGatewaySpec({ ...s, kubernetes: { functions: { prod: { fn: { name: 'shop-api' } } } } });
    const inOptions: SupportOptions = { kubernetes: { functions: { prod: { fn: { name: 'shop-api' } } } } };
    const cases: [GatewaySpec, SupportOptions][] = [[byName, {}], [inSpec, {}], [toGatewaySpec(s), inOptions]];
    for (const [spec, o] of cases) {
      expect(recordLines(spec, 'kubernetes', o).join('\n')).toMatch(/gateway: backend\.http on kubernetes: stage prod: the Service shop-api of function binding (shop-api|fn) has the name of the Service anygate generates/);
      expect(recordLines(spec, 'kubernetes', o)).toEqual(synthLines(spec, 'kubernetes', o));
      // Backends as Envoy Gateway Backend objects, or the binding's Service in another namespace: no clash.
      expect(recordLines(spec, 'kubernetes', { kubernetes: { ...o.kubernetes, backendKind: 'Backend' } })).toEqual([]);
    }
    expect(recordLines(toGatewaySpec(s), 'kubernetes', { kubernetes: { functions: { prod: { fn: { name: 'shop-api', namespace: 'functions' } } } } })).toEqual([]);
  });

  it("Azure: apiDefinition 'openapi' with an ANY route and a greedy parameter is the route.any and path.greedy records", () => {
    const s = baseSpec();
    s.routes.push({ method: 'ANY', path: '/any', backend: 'api', auth: 'none' }, { method: 'GET', path: '/files/{rest+}', backend: 'api', auth: 'none' });
    const spec = toGatewaySpec(s);
    const o: SupportOptions = { azure: { apiDefinition: 'openapi' } };
    const lines = recordLines(spec, 'azure', o);
    expect(lines).toEqual([
      "route any-any: route.any on azure (Developer): apiDefinition 'openapi' cannot carry an ANY route (OpenAPI has no * method); use apiDefinition 'operations'",
      "route get-files-rest: path.greedy on azure (Developer): apiDefinition 'openapi' cannot carry a greedy path parameter (an OpenAPI path template matches one segment); use apiDefinition 'operations'",
    ]);
    expect(lines).toEqual(synthLines(spec, 'azure', o));
    // The spec's own azure block says the same.
    const inSpec = toGatewaySpec({ ...s, azure: { apiDefinition: 'openapi' } });
    expect(recordLines(inSpec, 'azure')).toEqual(lines);
  });
});

describe('size refusals moved into the size records', () => {
  it('Kubernetes: a plan needing more global rate-limit rules than a policy holds reaches the report', () => {
    const s = baseSpec();
    s.plans = { basic: { quota: { limit: 100, period: 'day' }, rateLimit: { requestsPerSecond: 5 } } };
    s.consumers = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`c${i}`, { plan: 'basic' }]));
    s.routes = [{ method: 'GET', path: '/items', backend: 'api', auth: ['key'] }];
    const spec = toGatewaySpec(s);
    const synth = synthLines(spec, 'kubernetes');
    expect(synth).toEqual(["gateway: size on kubernetes: the plans need 260 global rate-limit rules (one per consumer and limit), over Envoy Gateway's 256 per policy"]);
    expect(reportLines(spec, 'kubernetes')).toEqual(synth);
  });

  it('Kubernetes: a path match over the HTTPRoute limit reaches the report', () => {
    const s = base();
    s.routes.push({ method: 'GET', path: `/${'p'.repeat(1100)}`, backend: 'api', auth: 'none' });
    const spec = toGatewaySpec(s);
    const synth = synthLines(spec, 'kubernetes');
    expect(synth.join('\n')).toMatch(/size on kubernetes: the path match is \d+ characters, over the HTTPRoute limit of 1024/);
    expect(reportLines(spec, 'kubernetes')).toEqual(synth);
  });

  it('AWS: per-method settings and the processed template are judged and worded by the size record', () => {
    const spec = toGatewaySpec(baseSpec());
    const [settings] = emittedProblems(spec, 'aws', { aws: { stages: ['prod'] } }, 'size', [{ where: 'gateway', kind: 'methodSettings', bytes: 900_000, count: 4000, remedy: 'split it' }]);
    expect(formatProblem(settings)).toBe("gateway: size on aws: 4000 per-method settings across 1 stage(s) take 900000 bytes of template, over the 880000-byte budget that keeps the template under CloudFormation's 1 MB limit; split it");
    expect(emittedProblems(spec, 'aws', {}, 'size', [{ where: 'gateway', kind: 'methodSettings', bytes: 880_000 }])).toEqual([]);
    const [template] = emittedProblems(spec, 'aws', {}, 'size', [{ where: 'gateway', kind: 'processedTemplate', bytes: 1_000_001 }]);
    expect(template.message).toMatch(/^the template takes 1000001 bytes, over CloudFormation's 1000000-byte limit on the processed template/);
  });

  it('Apigee: the compiler measures the zip exactly (bundleBytes) and the size record judges it', async () => {
    const plan = compileApigee(toGatewaySpec(base()));
    const zip = await bundleZip(plan);
    expect(bundleBytes(plan.files)).toBe(zip.length);
    // A deflated entry too (files from 4096 bytes are compressed).
    const files = { ...plan.files, 'resources/big.txt': Array.from({ length: 2000 }, (_, i) => `line ${i * 7919}`).join('\n') };
    expect(bundleBytes(files)).toBe((await bundleZip({ files })).length);
    const spec = toGatewaySpec(base());
    expect(emittedProblems(spec, 'apigee', {}, 'size', [{ where: 'gateway', bytes: 16 * 1024 * 1024 }]).map(formatProblem)).toEqual([
      "gateway: size on apigee (INTERMEDIATE): the proxy bundle is 16777216 bytes, over Apigee's 15728640-byte limit; split the gateway",
    ]);
  });
});

describe("binders' refusals come from lib/capabilities/bindings.ts", () => {
  it('names every missing function binding and the Apigee service account at once', () => {
    expect(bindingProblems('aws', 'aws', [{ binding: 'a', usedBy: ['GET /x', 'POST /x'] }, { binding: 'b', usedBy: ['authorizer c'] }], { functions: [] }).map(formatProblem)).toEqual([
      "route GET /x: backend.function on aws: function binding \"a\" (used by GET /x, POST /x) has no Lambda function: pass functions: { 'a': yourFunction } to AwsGateway",
      "gateway: backend.function on aws: function binding \"b\" (used by authorizer c) has no Lambda function: pass functions: { 'b': yourFunction } to AwsGateway",
    ]);
    expect(bindingProblems('apigee', 'apigee (BASE)', [{ binding: 'f' }], { functions: ['f'] }).map((p) => p.message)).toEqual([
      "function backends are called with a Google ID token minted for the deployment's service account: pass serviceAccount to ApigeeGateway (and grant it roles/run.invoker)",
    ]);
    expect(bindingProblems('azure', 'azure (Developer)', [{ binding: 'f' }], { functions: ['f'] })).toEqual([]);
  });
});
