/**
 * Portability and synth agree: over fuzzed specs, on every target and tier, the portability report
 * lists a problem exactly when the compiler refuses, with the same messages. FUZZ_RUNS raises the
 * number of runs (`npm run fuzz`: 10,000); FUZZ_SEED replays one.
 */
import fc from 'fast-check';
import type { Target } from '../../lib/capabilities/types';
import { validateGateway } from '../../lib/model/normalize';
import { compileOptions, gatewayInput } from './arbitraries';
import { disagreements } from './harness';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 15_2026);

/**
 * Targets whose compilers still refuse specs on their own (refusal sites not yet moved into
 * lib/capabilities/targets/<target>.ts): their property is expected to fail until they are moved.
 * Remove a target from this list when its provider's refusals live in its records; the test then
 * holds for it. Survey (seed 7, 1,500 specs) of what each still refuses on its own:
 * - aws: consumer.apiKey (non Secrets Manager secretRef), route.cache (cacheClusterSize option),
 *   stage.variables (reserved prefix), stage.backends (scheme differs), backend.mock (quote in header)
 * - azure: auth.apiKey (several key parameters), auth.jwt (typ; "@", "{{", "}}" in values and
 *   scopes), consumer.apiKey (not env:), route.cache (Consumption without externalCache)
 * (apigee left the list when its name grammars moved into lib/capabilities/targets/apigee-*.ts.)
 */
const PENDING: readonly Target[] = [];

describe.each(['aws', 'azure', 'apigee'] as const)('portability agrees with synth on %s', (target) => {
  const run = PENDING.includes(target) ? it.failing : it;
  run(`on ${RUNS} fuzzed specs at drawn tiers${PENDING.includes(target) ? ' (pending: the provider still refuses on its own)' : ''}`, () => {
    fc.assert(
      fc.property(gatewayInput, compileOptions, (input, o) => {
        const v = validateGateway(input);
        fc.pre(Boolean(v.spec));
        expect(disagreements(v.spec!, target, o)).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
