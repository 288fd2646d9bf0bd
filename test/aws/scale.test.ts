import * as path from 'node:path';
import { generateAwsScaleGateway } from '../../bench/gen-aws-scale';
import { generateGateway } from '../../bench/gen-spec';
import { scratch } from '../validators';
import { synthAws } from './helpers';
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
  const huge = synthAt(5000);

  it('10, 2,000 and 5,000 routes give the same CloudFormation resource count (at most 25)', () => {
    expect(count(large.json)).toBe(count(small.json));
    expect(count(huge.json)).toBe(count(small.json));
    expect(count(small.json)).toBeLessThanOrEqual(25);
  });

  it('the processed template (template plus everything AWS::Include pastes in) stays under 1,000,000 bytes at 2,000 and 5,000 routes', () => {
    expect(large.processed).toBeLessThan(1_000_000);
    expect(huge.processed).toBeLessThan(1_000_000);
    // The body goes to S3 for API Gateway to import; nothing is pasted back into the template.
    const api = Object.values<any>(huge.json.Resources).find((r) => r.Type === 'AWS::ApiGateway::RestApi');
    expect(api.Properties.BodyS3Location).toBeDefined();
    expect(JSON.stringify(huge.json)).not.toContain('AWS::Include');
    expect(huge.gateway.plan.resourceCount).toBeGreaterThan(300);
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
      for (const m of settings) expect(m).toMatchObject({ LoggingLevel: 'ERROR', MetricsEnabled: true, DataTraceEnabled: false });
    }
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
