import fc from 'fast-check';
import { validateGateway } from '../../lib/model/normalize';
import { compileOptions, gatewayInput } from './arbitraries';
import { disagreements } from './harness';
it('survey', () => {
  const seen = new Map<string, number>();
  fc.assert(fc.property(gatewayInput, compileOptions, (input, o) => {
    const v = validateGateway(input);
    if (!v.spec) return;
    for (const d of disagreements(v.spec, 'apigee', o)) { const k = d.slice(0, 700); seen.set(k, (seen.get(k) ?? 0) + 1); }
  }), { numRuns: Number(process.env.N ?? 500), seed: Number(process.env.S ?? 7) });
  require('fs').writeFileSync('/tmp/apigee-h/survey.txt', [...seen].map(([k, n]) => `${n} ${k}`).join('\n'));
});
