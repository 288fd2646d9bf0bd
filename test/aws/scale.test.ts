import { generateGateway } from '../../bench/gen-spec';
import { synthAws } from './helpers';

describe('AWS at scale', () => {
  const small = synthAws(generateGateway(10));
  const large = synthAws(generateGateway(2000));

  it('10 and 2,000 routes give the same CloudFormation resource count (at most 25)', () => {
    const count = (j: Record<string, any>) => Object.keys(j.Resources).length;
    expect(count(large.json)).toBe(count(small.json));
    expect(count(large.json)).toBeLessThanOrEqual(25);
  });

  it('the 2,000-route template stays under 1 MB (the body ships as an asset)', () => {
    const bytes = Buffer.byteLength(JSON.stringify(large.json));
    expect(bytes).toBeLessThan(1_000_000);
    const api = Object.values<any>(large.json.Resources).find((r) => r.Type === 'AWS::ApiGateway::RestApi');
    expect(api.Properties.Body['Fn::Transform'].Name).toBe('AWS::Include');
    expect(large.gateway.plan.resourceCount).toBeGreaterThan(300);
    expect(large.gateway.plan.warnings.join('\n')).toMatch(/over API Gateway's default quota of 300/);
  });

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
