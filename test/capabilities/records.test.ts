import { assertSupported, emittedProblems, targetProblems } from '../../lib/capabilities/support';
import { FEATURE_IDS, FEATURE_RECORDS, featureUses } from '../../lib/capabilities/features';
import { portability } from '../../lib/capabilities/portability';
import { TARGET_RECORDS, targetCapability } from '../../lib/capabilities/targets';
import { APIGEE_ENVIRONMENT_TYPES, AZURE_SKUS, TARGETS } from '../../lib/capabilities/types';
import { SynthesisError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { baseSpec, refusals } from '../helpers';

describe('capability records', () => {
  it('every target has a record for every feature, and tier entries only for known features', () => {
    for (const t of TARGETS) {
      const r = TARGET_RECORDS[t];
      expect(Object.keys(r.base).sort()).toEqual([...FEATURE_IDS].sort());
      for (const over of Object.values(r.tiers)) for (const f of Object.keys(over ?? {})) expect(FEATURE_IDS).toContain(f);
    }
    for (const sku of AZURE_SKUS) for (const f of FEATURE_IDS) expect(targetCapability('azure', f, { azureSku: sku }).note.length).toBeGreaterThan(3);
    for (const env of APIGEE_ENVIRONMENT_TYPES) for (const f of FEATURE_IDS) expect(targetCapability('apigee', f, { apigeeEnvironmentType: env }).note.length).toBeGreaterThan(3);
  });

  it('emitted features have an emitted check on the targets that measure them', () => {
    expect(FEATURE_RECORDS.size.phase).toBe('emitted');
    expect(targetCapability('aws', 'size').checkEmitted).toBeDefined();
    expect(targetCapability('apigee', 'size').checkEmitted).toBeDefined();
    expect(targetCapability('azure', 'policy.size').checkEmitted).toBeDefined();
  });

  it('detects where each feature is used, including unlisted ones', () => {
    const s = baseSpec();
    s.consumers.acme.apiKey = { secretRef: 'env:ACME_KEY' };
    const uses = Object.fromEntries(featureUses(toGatewaySpec(s)).map((u) => [u.feature, u.where]));
    expect(uses['consumer.apiKey']).toEqual(['gateway']);
    expect(uses['backend.timeout']).toEqual(expect.arrayContaining(['get-items-id', 'post-items']));
    expect(uses.stage).toEqual(['gateway']);
  });
});

describe('assertSupported', () => {
  it('throws one SynthesisError holding every problem, named by target and tier', () => {
    const s = baseSpec();
    s.routes[0].rateLimit = { requestsPerSecond: 5 };
    s.stages = { prod: { throttle: { requestsPerSecond: 50 } } };
    const spec = toGatewaySpec(s);
    let err: unknown;
    try {
      assertSupported(spec, 'azure', { azureSku: 'Consumption' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SynthesisError);
    expect((err as SynthesisError).problems.map((p) => `${p.target} ${p.where} ${p.feature}`)).toEqual([
      'azure (Consumption) get-items-id route.rateLimit',
      'azure (Consumption) gateway stage.throttle',
    ]);
    expect(() => assertSupported(spec, 'azure', { azureSku: 'Consumption' })).toThrow(/azure \(Consumption\): cannot synthesize \(2 problems\)/);
  });

  it('is what each compiler refuses with first', () => {
    const s = baseSpec();
    s.routes[0].cache = { ttlSeconds: 7200 };
    const spec = toGatewaySpec(s);
    expect(refusals(() => compileAws(spec))).toEqual(targetProblems(spec, 'aws').map((p) => `${p.where} ${p.feature} ${p.target}: ${p.message}`));
    const slow = baseSpec();
    slow.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
    slow.plans.basic.rateLimit = { requestsPerSecond: 0.001 };
    const slowSpec = toGatewaySpec(slow);
    expect(refusals(() => compileAzure(slowSpec))).toEqual([expect.stringMatching(/^gateway plan\.rateLimit azure \(Developer\): plan basic: rateLimit: 0\.001 requests per second is below one call per 300 s/)]);
    expect(refusals(() => compileApigee(slowSpec))).toEqual([expect.stringMatching(/^gateway plan\.rateLimit apigee \(INTERMEDIATE\): plan basic: rateLimit: 0\.001 requests per second is below SpikeArrest's slowest rate/)]);
  });

  it('checks ranges on every target: Azure and Apigee rate floors, AWS timeouts', () => {
    const s = baseSpec();
    s.routes[0].rateLimit = { requestsPerSecond: 0.01 };
    s.routes[0].timeoutMs = 40_000;
    s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
    const spec = toGatewaySpec(s);
    expect(targetProblems(spec, 'azure').map((p) => p.feature)).toEqual([]);
    expect(targetProblems(spec, 'apigee').map((p) => `${p.where} ${p.feature}`)).toEqual(['get-items-id route.rateLimit']);
    expect(targetProblems(spec, 'aws').map((p) => `${p.where} ${p.feature}`)).toEqual(['get-items-id backend.timeout']);
  });
});

describe('emitted limits', () => {
  it('words size problems from the records, per tier', () => {
    const spec = toGatewaySpec(baseSpec());
    const measured = [{ where: 'get-items-id', bytes: 20_000 }];
    expect(emittedProblems(spec, 'azure', {}, 'policy.size', measured)).toEqual([]);
    expect(emittedProblems(spec, 'azure', { azureSku: 'Consumption' }, 'policy.size', measured)).toEqual([
      { target: 'azure (Consumption)', where: 'get-items-id', feature: 'policy.size', message: 'the policy document is 20000 bytes, over the 16384-byte limit of Consumption; move shared parts to fewer routes or use another SKU' },
    ]);
    expect(emittedProblems(spec, 'aws', {}, 'size', [{ where: 'gateway', bytes: 7_000_000 }])[0].message).toMatch(/7000000 bytes, over API Gateway's 6291456-byte import limit/);
  });

  it('the report runs the compilers for emitted limits only, and agrees with synth', () => {
    const s = baseSpec();
    // A body template of about 20 KB: over Consumption's 16 KiB policy limit, within 256 KiB elsewhere.
    s.routes[1].transform = { request: { body: { blob: 'x'.repeat(20_000) } } };
    const spec = toGatewaySpec(s);
    const compile = (sp: typeof spec, o: { azureSku?: any }) => compileAzure(sp, { sku: o.azureSku });
    const consumption = portability(spec, ['azure'], { azureSku: 'Consumption', compilers: { azure: compile } });
    expect(consumption.problems.map((p) => `${p.where} ${p.feature}`)).toEqual(['post-items policy.size']);
    expect(refusals(() => compileAzure(spec, { sku: 'Consumption' }))).toEqual(consumption.problems.map((p) => `${p.where} ${p.feature} ${p.target}: ${p.message}`));
    expect(portability(spec, ['azure'], { azureSku: 'Developer', compilers: { azure: compile } }).problems).toEqual([]);
    // Without compilers, only spec-level decisions.
    expect(portability(spec, ['azure'], { azureSku: 'Consumption' }).problems).toEqual([]);
  });

  it('ignores compiler refusals of spec-level features (those must come from the records)', () => {
    const spec = toGatewaySpec(baseSpec());
    const stray = () => {
      throw new SynthesisError('aws', [{ target: 'aws', where: 'gateway', feature: 'auth.jwt', message: 'stray' }]);
    };
    expect(portability(spec, ['aws'], { compilers: { aws: stray } }).problems).toEqual([]);
  });
});
