import * as path from 'node:path';
import { generateAwsScaleGateway } from '../../bench/gen-aws-scale';
import { generateGateway } from '../../bench/gen-spec';
import { toGatewaySpec } from '../../lib/model/normalize';
import { synthAws } from './helpers';
import { scratch } from '../validators';
import { processedTemplateBytes } from '../../bin/synth/aws';

const count = (j: Record<string, any>) => Object.keys(j.Resources).length;

function synthAt(routes: number) {
  const outdir = scratch('scale');
  const s = synthAws(generateAwsScaleGateway(routes), {}, outdir);
  return { ...s, processed: processedTemplateBytes(path.join(outdir, `${s.stack.artifactId}.template.json`)) };
}

describe('AWS at scale (JWT + scope on every route, GETs cached, writes rate limited, two stages)', () => {
  const small = synthAt(10);
  const large = synthAt(2000);

  it('10 and 2,000 routes give the same CloudFormation resource count (at most 25); 5,000 routes: test/aws/scale.slow.test.ts', () => {
    expect(count(large.json)).toBe(count(small.json));
    expect(count(small.json)).toBeLessThanOrEqual(25);
  });

  it('the processed template (template plus everything AWS::Include pastes in) stays under 1,000,000 bytes at 2,000 routes', () => {
    expect(large.processed).toBeLessThan(1_000_000);
    // The body goes to S3 for API Gateway to import; nothing is pasted back into the template.
    const api = Object.values<any>(large.json.Resources).find((r) => r.Type === 'AWS::ApiGateway::RestApi');
    expect(api.Properties.BodyS3Location).toBeDefined();
    expect(large.gateway.plan.resourceCount).toBeGreaterThan(300);
  });
});

describe('AWS at scale (the mixed benchmark gateway)', () => {
  it('adding a route changes no logical id except the deployment', () => {
    const input = generateGateway(2000);
    const plusOne = generateGateway(2000);
    plusOne.routes!.push({ method: 'GET', path: '/extra/{id}', backend: 'api', auth: 'none' });
    const a = synthAws(input).json.Resources;
    const b = synthAws(plusOne).json.Resources;
    const changed = [...Object.keys(a).filter((k) => !(k in b)), ...Object.keys(b).filter((k) => !(k in a))];
    expect(changed.map((k) => (a[k] ?? b[k]).Type)).toEqual(['AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Deployment']);
  });
});

describe('AWS past the limits', () => {
  it('10,000 routes of the scale shape are refused naming each limit and a split that fits', () => {
    const { compileAws } = require('../../providers/aws/compile') as typeof import('../../providers/aws/compile');
    let message = '';
    try {
      compileAws(toGatewaySpec(generateAwsScaleGateway(10_000)), { compactTemplate: true });
    } catch (e) {
      message = (e as Error & { problems: { message: string }[] }).problems.map((p) => p.message).join('\n');
    }
    expect(message).toMatch(/over API Gateway's 6291456-byte import limit/);
    expect(message).toMatch(/per-method settings across 2 stage\(s\) take \d+ bytes of template, over the 880000-byte budget/);
    expect(message).toMatch(/deploy at most 1 stage\(s\) per stack .*: 2 stacks of this gateway fit/);
  });
});
