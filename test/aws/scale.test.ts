/**
 * AWS past its limits, decided by the compiler alone. The synthesized scale proofs (5,000 routes
 * with no account or region under cfn-lint, resource counts, the processed template, stable
 * logical ids at 2,000 routes) are CDK synths of many seconds: test/aws/scale.slow.test.ts, which
 * CI runs after npm test.
 */
import { generateAwsScaleGateway } from '../../bench/gen-aws-scale';
import { toGatewaySpec } from '../../lib/model/normalize';

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
