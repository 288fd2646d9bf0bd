/**
 * compileStages takes a small gateway's exact method settings without measuring them when a bound
 * on their template bytes fits the budget (providers/aws/stage.ts methodSettingBytesBound): the
 * bound must never be below what an entry takes, whatever its strings and numbers.
 */
import fc from 'fast-check';
import type { AwsMethodSetting } from '../../providers/aws/plan';
import { cfnMethodSettingBytes, methodSettingBytesBound } from '../../providers/aws/stage';

const setting: fc.Arbitrary<AwsMethodSetting> = fc.record(
  {
    resourcePath: fc.oneof(fc.constantFrom('/', '/*'), fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `/${s}`), fc.string({ unit: fc.constantFrom('/', '"', '\\', '\u0001', '\u2028', 'a', '~'), maxLength: 40 })),
    httpMethod: fc.oneof(fc.constantFrom('GET', 'POST', 'OPTIONS', '*'), fc.string({ unit: 'binary', maxLength: 12 })),
    cachingEnabled: fc.boolean(),
    cacheTtlInSeconds: fc.double(),
    throttlingRateLimit: fc.oneof(fc.double(), fc.integer()),
    throttlingBurstLimit: fc.oneof(fc.integer(), fc.constant(-1.2345678901234567e-300)),
    loggingLevel: fc.constantFrom('OFF', 'ERROR', 'INFO'),
    metricsEnabled: fc.boolean(),
    dataTraceEnabled: fc.boolean(),
  },
  { requiredKeys: ['resourcePath', 'httpMethod', 'cachingEnabled', 'loggingLevel', 'metricsEnabled', 'dataTraceEnabled'] },
);

describe('methodSettingBytesBound', () => {
  it('is never below the bytes an entry takes, indented or compact', () => {
    fc.assert(
      fc.property(setting, (m) => {
        const bound = methodSettingBytesBound(m);
        expect(cfnMethodSettingBytes(m, false)).toBeLessThanOrEqual(bound);
        expect(cfnMethodSettingBytes(m, true)).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 2000 },
    );
  });

  it('holds with room for a plain entry (the bound is not loose by orders of magnitude)', () => {
    const m: AwsMethodSetting = { resourcePath: '/a/{id}', httpMethod: 'GET', cachingEnabled: true, cacheTtlInSeconds: 300, throttlingRateLimit: 10, throttlingBurstLimit: 20, loggingLevel: 'INFO', metricsEnabled: true, dataTraceEnabled: false };
    expect(cfnMethodSettingBytes(m, false)).toBeGreaterThan(methodSettingBytesBound(m) / 4);
  });
});
