/**
 * The slow tier (npm run test:slow; CI runs it after npm test): `anygate synth` of a 5,000-route
 * gateway with no account or region, checked by cfn-lint. cfn-lint's duplicate check (E3037) is
 * quadratic in a stage's method settings: about 10 s of CPU here, more than the rest of the AWS
 * tests together. Here too, 2,000 routes of the mixed benchmark gateway plus one (two full CDK
 * synths, about 5 s of CPU): adding a route renames nothing. The 10,000-route refusal, a compile
 * only: test/aws/scale.test.ts; stable logical ids at small sizes: test/aws/alternatives.test.ts.
 */
import { readFileSync } from 'node:fs';
import { generateAwsScaleGateway } from '../../bench/gen-aws-scale';
import { generateGateway } from '../../bench/gen-spec';
import { toGatewaySpec } from '../../lib/model/normalize';
import { cfnLintErrors, scratch } from '../validators';
import { synthAws } from './helpers';
import { synthAws as synthCommandAws } from '../../bin/synth/aws';
import { RESOLVER_CODE } from '../../providers/aws/body';

const count = (j: Record<string, any>) => Object.keys(j.Resources).length;

describe('AWS at 5,000 routes (JWT + scope on every route, GETs cached, writes rate limited, two stages)', () => {
  const small = synthAws(generateAwsScaleGateway(10));
  // As `anygate synth` does it, with no account and no region: an environment-agnostic stack.
  const hugeOut = scratch('scale-agnostic');
  const hugeResult = synthCommandAws(toGatewaySpec(generateAwsScaleGateway(5000)), hugeOut, undefined, {});
  const huge = { json: JSON.parse(readFileSync(hugeResult.templateFile, 'utf8')) as Record<string, any>, processed: hugeResult.processedBytes };

  it('5,000 routes give the resource count of 10 routes, and 5 more for the deploy-time body without account and region', () => {
    expect(count(huge.json)).toBe(count(small.json) + 5);
  });

  it('the processed template stays under 1,000,000 bytes at 5,000 routes, with nothing pasted back in', () => {
    expect(huge.processed).toBeLessThan(1_000_000);
    expect(JSON.stringify(huge.json)).not.toContain('AWS::Include');
  });

  it('5,000 routes synthesize with no account or region: the body keeps its pseudo parameters in S3 and a custom resource fills them in at deploy time; the template passes cfn-lint', () => {
    const resources = Object.values<any>(huge.json.Resources);
    const api = resources.find((r) => r.Type === 'AWS::ApiGateway::RestApi');
    const resolved = Object.entries<any>(huge.json.Resources).find(([, r]) => r.Type === 'Custom::AnygateApiBody')!;
    expect(api.Properties.BodyS3Location.Key).toEqual({ 'Fn::GetAtt': [resolved[0], 'Key'] });
    expect(resolved[1].Properties.Values).toEqual({ Partition: { Ref: 'AWS::Partition' }, Region: { Ref: 'AWS::Region' }, AccountId: { Ref: 'AWS::AccountId' } });
    // The uploaded body names no account or region; its ARNs hold the pseudo parameters.
    const asset = readFileSync(`${hugeOut}/aws/asset.${resolved[1].Properties.Source}`, 'utf8');
    expect(asset).toContain('arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${stageVariables.');
    // The resolver reads the one uploaded object and writes the one resolved object: no wildcard.
    const policy = resources.find((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r).includes('s3:PutObject'));
    expect(JSON.stringify(policy)).not.toMatch(/\*/);
    expect(RESOLVER_CODE.length).toBeLessThanOrEqual(4096);
    expect(cfnLintErrors(hugeResult.templateFile)).toEqual([]);
  });

  it('at 5,000 routes method settings are written only where they differ from the stage defaults, complete', () => {
    const stages = Object.values<any>(huge.json.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Stage');
    expect(stages).toHaveLength(2);
    for (const st of stages) {
      const settings: any[] = st.Properties.MethodSettings;
      const stageWide = settings.find((m) => m.ResourcePath === '/*' && m.HttpMethod === '*');
      expect(stageWide).toMatchObject({ CachingEnabled: true, CacheTtlInSeconds: 60, ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
      // Far fewer than one per route, and each override repeats logging, metrics and data trace.
      expect(settings.length).toBeLessThan(5000 / 2);
      // DataTraceEnabled false is API Gateway's default and the stage-wide value: written once.
      for (const m of settings) expect(m).toMatchObject({ LoggingLevel: 'ERROR', MetricsEnabled: true });
      expect(settings.filter((m) => 'DataTraceEnabled' in m)).toEqual([stageWide]);
    }
  });
});

describe('AWS at scale (the mixed benchmark gateway, 2,000 routes)', () => {
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
