import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { Validations } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from './nag';
import { parse } from 'yaml';
import { cfnLintErrors, scratch } from '../validators';
import { synthAws } from './helpers';

const petstore = parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8'));

describe('AWS output passes the real validators', () => {
  // cfn-lint and openapi-spec-validator run on the petstore template and body with every golden
  // artifact, once, in test/golden/validators.test.ts.

  function nagReport(props: Record<string, unknown>, outdir = scratch('nag')) {
    try {
      synthAws(petstore, props, outdir, (app) => Validations.of(app).addPlugins(new AwsSolutionsChecks(app)));
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
    // With a web ACL nothing is left, and the template with its web ACL association passes
    // cfn-lint (CDK's built-in CloudFormation validation checks the same schema at ~6 s of CPU).
    const outdir = scratch('nag-acl');
    expect(nagReport({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1' }, outdir)).toEqual([]);
    const template = path.join(outdir, 'Test.template.json');
    expect(JSON.stringify(JSON.parse(readFileSync(template, 'utf8')).Resources)).toContain('AWS::WAFv2::WebACLAssociation');
    expect(cfnLintErrors(template)).toEqual([]);
  });

  it('acknowledgements in the construct carry reasons', () => {
    const { stack } = synthAws(petstore);
    const acks = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'));
    expect(acks.length).toBeGreaterThan(0);
    for (const m of JSON.stringify(acks).matchAll(/"reason":"([^"]*)"/g)) expect(m[1].length).toBeGreaterThan(30);
  });
});
