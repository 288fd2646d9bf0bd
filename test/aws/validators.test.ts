import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parse } from 'yaml';
import { cfnLintErrors, openApiErrors, scratch, writeJson } from '../validators';
import { synthAws } from './helpers';

const petstore = parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8'));

/**
 * API Gateway writes greedy parameters as `{name+}` in paths but `name` in parameter lists, which
 * plain OpenAPI tooling cannot match up. For the validator only, parameters are renamed to the
 * exact text between the braces; nothing else changes.
 */
function greedyForValidator(body: any): any {
  const copy = JSON.parse(JSON.stringify(body));
  for (const [p, item] of Object.entries<any>(copy.paths)) {
    const greedy = [...p.matchAll(/\{([^}]+)\+\}/g)].map((m) => m[1]);
    for (const op of Object.values<any>(item)) for (const prm of op.parameters ?? []) if (prm.in === 'path' && greedy.includes(prm.name)) prm.name += '+';
  }
  return copy;
}

describe('AWS output passes the real validators', () => {
  const { json, gateway } = synthAws(petstore);

  it('the petstore template passes cfn-lint with 0 errors', () => {
    const file = writeJson(path.join(scratch('cfn'), 'petstore.template.json'), json);
    expect(cfnLintErrors(file)).toEqual([]);
  });

  it('the petstore OpenAPI body passes openapi-spec-validator', () => {
    expect(openApiErrors(greedyForValidator(gateway.plan.body))).toBe('');
  });

  function nagReport(props: Record<string, unknown>, builtinValidation = false) {
    const outdir = scratch('nag');
    try {
      synthAws(petstore, props, outdir, (app) => Validations.of(app).addPlugins(new AwsSolutionsChecks(app)), builtinValidation);
    } catch (e) {
      // Any finding, warnings included, fails synthesis; the report says which.
      expect(String(e)).toMatch(/Validation failed/);
    }
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const violations: { ruleName: string; severity: string }[] = report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations);
    return violations;
  }

  it('cdk-nag AwsSolutions: 0 errors (acknowledged findings carry a written reason)', () => {
    const violations = nagReport({});
    expect(violations.filter((v) => v.severity === 'error').map((v) => v.ruleName)).toEqual([]);
    // The one warning left is the web ACL, which is the account owner's call (webAclArn).
    expect([...new Set(violations.map((v) => v.ruleName))]).toEqual(['AwsSolutions-APIG3']);
    // With a web ACL nothing is left, CDK's built-in CloudFormation validation included.
    expect(nagReport({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1' }, true)).toEqual([]);
  });

  it('acknowledgements in the construct carry reasons', () => {
    const { stack } = synthAws(petstore);
    const acks = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'));
    expect(acks.length).toBeGreaterThan(0);
    for (const m of JSON.stringify(acks).matchAll(/"reason":"([^"]*)"/g)) expect(m[1].length).toBeGreaterThan(30);
  });
});
