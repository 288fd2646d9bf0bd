/**
 * Refusals that used to live inside compilers, so portability (and `anygate dev`, which reads the
 * records) said nothing where synth refused. Each is now a capability record: the records alone
 * (targetProblems) give exactly the problems synth gives, on every target.
 */
import { targetProblems } from '../../lib/capabilities/support';
import type { Target } from '../../lib/capabilities/types';
import { formatProblem, SynthesisError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { baseSpec } from '../helpers';

const COMPILE: Record<Target, (s: GatewaySpec) => unknown> = {
  aws: (s) => compileAws(s),
  azure: (s) => compileAzure(s),
  apigee: (s) => compileApigee(s),
  kubernetes: (s) => compileKubernetes(s),
};

function synthProblems(spec: GatewaySpec, target: Target): string[] {
  try {
    COMPILE[target](spec);
    return [];
  } catch (e) {
    if (e instanceof SynthesisError) return e.problems.map(formatProblem).sort();
    throw e;
  }
}

const recordProblems = (spec: GatewaySpec, target: Target) => targetProblems(spec, target).map(formatProblem).sort();

function customWithJwt() {
  const s = baseSpec();
  s.authorizers.mine = { type: 'custom', binding: 'authFn' };
  s.routes[0].auth = [['jwt', 'mine']];
  return toGatewaySpec(s);
}

function greedyBesidePlain() {
  const s = baseSpec();
  s.routes.push({ method: 'GET', path: '/items/{rest+}', backend: 'api', auth: 'none' });
  return toGatewaySpec(s);
}

function queryInHeader() {
  const s = baseSpec();
  s.routes[2].transform = { request: { setHeaders: { 'x-z': '${query.z}' } } };
  return toGatewaySpec(s);
}

describe('refusals that were in compilers are records: records and synth agree', () => {
  it.each([
    ['custom + JWT on one AWS route', customWithJwt, 'aws', /a method takes one Lambda authorizer/],
    ['{rest+} beside {id} on AWS', greedyBesidePlain, 'aws', /\{rest\+\} sits beside \{id\} of route/],
    ['${query.z} in a request header on Kubernetes', queryInHeader, 'kubernetes', /placeholder \$\{query\.z\} cannot be read by an Envoy header modifier/],
  ] as const)('%s', (_name, make, refusing, message) => {
    const spec = make();
    expect(recordProblems(spec, refusing).join('\n')).toMatch(message);
    for (const target of ['aws', 'azure', 'apigee', 'kubernetes'] as const) {
      expect({ target, problems: recordProblems(spec, target) }).toEqual({ target, problems: synthProblems(spec, target) });
    }
  });
});
