/** The kubernetes capability records: complete, and the portability report and synth agree. */
import { FEATURE_IDS } from '../../lib/capabilities/features';
import { portability } from '../../lib/capabilities/portability';
import { targetProblems } from '../../lib/capabilities/support';
import { TARGET_RECORDS, targetCapability } from '../../lib/capabilities/targets';
import { wholeRate } from '../../lib/capabilities/targets/kubernetes';
import { toGatewaySpec } from '../../lib/model/normalize';
import { fullInput } from './fixtures';

describe('kubernetes capability records', () => {
  it('has a record with a note for every feature', () => {
    expect(Object.keys(TARGET_RECORDS.kubernetes.base).sort()).toEqual([...FEATURE_IDS].sort());
    for (const f of FEATURE_IDS) expect(targetCapability('kubernetes', f).note.length).toBeGreaterThan(3);
  });

  it('the portability report shows the kubernetes column and the same problems synth refuses', () => {
    const input = fullInput();
    input.routes[0].cache = { ttlSeconds: 60 };
    const spec = toGatewaySpec(input);
    const report = portability(spec, ['kubernetes']);
    expect(report.rows.find((r) => r.feature === 'route.cache')!.targets.kubernetes!.support).toBe('unsupported');
    expect(report.rows.find((r) => r.feature === 'auth.jwt')!.targets.kubernetes!.support).toBe('native');
    expect(report.problems).toEqual(targetProblems(spec, 'kubernetes'));
    expect(report.problems.map((p) => `${p.where} ${p.feature}`)).toEqual(['getItem route.cache']);
  });

  it('checks what Envoy Gateway cannot carry: rates, JWT settings, consumers', () => {
    expect(wholeRate(0.5)).toEqual({ requests: 30, unit: 'Minute' });
    expect(wholeRate(1 / 7)).toBeUndefined();
    const input = fullInput();
    delete input.authorizers.jwt.jwksUri;
    input.authorizers.jwt.typ = 'at+jwt';
    input.plans.basic.rateLimit = { requestsPerSecond: 1 / 7 };
    const messages = targetProblems(toGatewaySpec(input), 'kubernetes').map((p) => `${p.where} ${p.feature}: ${p.message}`);
    expect(messages.join('\n')).toMatch(/getItem auth.jwt: authorizer jwt: set jwksUri/);
    expect(messages.join('\n')).toMatch(/getItem auth.jwt: .*typ/);
    expect(messages.join('\n')).toMatch(/gateway plan.rateLimit: plan basic/);
    const noConsumers = fullInput();
    noConsumers.consumers = {};
    delete noConsumers.plans;
    expect(targetProblems(toGatewaySpec(noConsumers), 'kubernetes').map((p) => p.message).join('\n')).toMatch(/API-key routes need consumers/);
  });
});
