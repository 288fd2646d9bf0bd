/**
 * The external validators, once per artifact set: every golden artifact (test/golden/<case>/) goes
 * through the cloud's own checker in one run per checker. golden.test.ts proves the golden files
 * are byte for byte what anygate emits now, so what passes here is what anygate emits for the
 * examples and the nasty-strings spec. Tests of single features lint their own artifacts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { listFiles } from '../../bin/synth/files';
import type { K8sObject } from '../../providers/kubernetes/plan';
import { k8sProblems } from '../kubernetes/crd';
import { apigeelintBundles, apimPolicyErrors, cfnLintErrors, openApiFileErrors, scratch } from '../validators';

const CASES = ['petstore', 'minimal', 'payments', 'multi-stage', 'nasty', 'contract'];
// Every golden file, listed once: [path within its case, absolute path].
const GOLDEN = CASES.flatMap((c) => listFiles(path.join(__dirname, c)).map((f) => [f, path.join(__dirname, c, f)] as const));
const all = (test: (f: string) => boolean) => GOLDEN.filter(([f]) => test(f)).map(([, abs]) => abs);
const templates = all((f) => /^aws\/[^/]+\.template\.json$/.test(f));

/**
 * API Gateway writes greedy parameters as `{name+}` in paths but `name` in parameter lists, which
 * plain OpenAPI tooling cannot match up. For the validator only, parameters are renamed to the
 * exact text between the braces; nothing else changes.
 */
function greedyForValidator(body: any): any {
  const copy = structuredClone(body);
  for (const [p, item] of Object.entries<any>(copy.paths)) {
    const greedy = [...p.matchAll(/\{([^}]+)\+\}/g)].map((m) => m[1]);
    for (const op of Object.values<any>(item)) for (const prm of op.parameters ?? []) if (prm.in === 'path' && greedy.includes(prm.name)) prm.name += '+';
  }
  return copy;
}

describe('the golden artifacts pass the clouds\' own validators', () => {
  it('every CloudFormation template: cfn-lint, 0 errors (one run)', () => {
    expect(templates).toHaveLength(CASES.length);
    expect(cfnLintErrors(templates)).toEqual([]);
  });

  it('every OpenAPI document, and every API Gateway body inside a template: openapi-spec-validator (one run)', () => {
    const dir = scratch('golden-oas');
    const bodies = templates.flatMap((t, i) =>
      Object.values<any>(JSON.parse(readFileSync(t, 'utf8')).Resources)
        .filter((r) => r.Type === 'AWS::ApiGateway::RestApi')
        .map((r, j) => {
          const file = path.join(dir, `body-${i}-${j}.json`);
          writeFileSync(file, JSON.stringify(greedyForValidator(r.Properties.Body)));
          return file;
        }),
    );
    expect(bodies).toHaveLength(CASES.length);
    const docs = all((f) => f === 'openapi.json');
    expect(docs).toHaveLength(CASES.length);
    expect(openApiFileErrors([...docs, ...bodies])).toBe('');
  });

  it('every API Management policy: xmllint against Microsoft\'s policy schemas (one run)', () => {
    const policies = all((f) => f.startsWith('azure/') && f.endsWith('.xml'));
    expect(policies.length).toBeGreaterThan(CASES.length * 3);
    expect(apimPolicyErrors(policies)).toBe('');
  });

  it('every Apigee bundle: apigeelint --profile apigeex, no errors; warnings only for a plain backend URL (one process)', () => {
    const dirs = CASES.map((c) => path.join(__dirname, c, 'apigee'));
    const findings = apigeelintBundles(dirs);
    const rules = (c: string) => [...new Set(findings[path.join(__dirname, c, 'apigee')]!.map((f) => `${f.severity} ${f.ruleId}`))].sort();
    // TD002/TD007: a backend given as one plain URL (no stage target servers). CC003: the
    // nasty spec's long condition, on purpose. BN013 (a resource no policy references):
    // resources/oas/contract.json, the published contract, which the portal and API hub read.
    expect(Object.fromEntries(CASES.map((c) => [c, rules(c)]))).toEqual({
      petstore: [],
      minimal: ['warning TD002', 'warning TD007'],
      payments: ['warning TD002', 'warning TD007'],
      'multi-stage': [],
      nasty: ['warning CC003', 'warning TD002', 'warning TD007'],
      contract: ['warning BN013', 'warning TD002', 'warning TD007'],
    });
  });

  it('every Kubernetes object: the Gateway API and Envoy Gateway CRD schemas and their CEL rules', () => {
    const objects = all((f) => f.startsWith('kubernetes/') && f.endsWith('.yaml')).flatMap((f) =>
      parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJSON() as K8sObject).filter(Boolean),
    );
    expect(objects.length).toBeGreaterThan(2);
    expect(objects.flatMap(k8sProblems)).toEqual([]);
  });
});
