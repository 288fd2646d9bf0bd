/**
 * Apigee tracing: the environment trace config's dynamic provider against a fake transport (create,
 * update, delete, diff, an expired token, a refusal), the plan (one per traced stage), and
 * ApigeeGateway under Pulumi runtime mocks (the resource, its inputs, the deployer's token).
 */
import * as pulumi from '@pulumi/pulumi';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { TRACE_CONFIG_TYPE } from '../../providers/apigee/observability';
import { traceConfigOff, traceConfigOn, traceConfigProvider, traceConfigUrl, type TraceConfigInputs, type TraceRequest, type TraceTransport } from '../../providers/apigee/trace-config';
import { observedSpec } from '../observability/fixture';
import { settle } from '../pulumi-mocks';

const recorded: { type: string; name: string; inputs: Record<string, any> }[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: { ...args.inputs, name: args.inputs.name ?? args.name, latestRevisionId: '1' } };
    },
    call: (args) => (args.token === 'gcp:organizations/getClientConfig:getClientConfig' ? { accessToken: 'ya29.deployer', project: 'shop-prod' } : {}),
  },
  'anygate',
  'test',
  false,
);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ApigeeGateway } = require('../../providers/apigee/gateway') as typeof import('../../providers/apigee/gateway');

/** A fake Apigee API: records the calls, answers with the statuses queued (200 by default). */
function fakeApi(statuses: number[] = []) {
  const calls: TraceRequest[] = [];
  const transport: TraceTransport = async (req) => {
    calls.push(req);
    const status = statuses.shift() ?? 200;
    return { status, body: status === 200 ? req.body : { error: { code: status, message: 'denied', status: 'PERMISSION_DENIED' } } };
  };
  return { calls, transport };
}

const inputs: TraceConfigInputs = { org: 'shop-org', environment: 'prod-env', project: 'shop-prod', samplingRate: 0.5, accessToken: 'ya29.a' };
const URL = 'https://apigee.googleapis.com/v1/organizations/shop-org/environments/prod-env/traceConfig';

describe('Apigee trace config provider', () => {
  it('create PATCHes Cloud Trace on with the project and sampling rate, as the deployer', async () => {
    const api = fakeApi();
    const out = await traceConfigProvider(api.transport).create!(inputs);
    expect(out.id).toBe('organizations/shop-org/environments/prod-env/traceConfig');
    expect(out.outs).toEqual(inputs);
    expect(api.calls).toEqual([{ method: 'PATCH', url: URL, token: 'ya29.a', body: { exporter: 'CLOUD_TRACE', endpoint: 'shop-prod', samplingConfig: { sampler: 'PROBABILITY', samplingRate: 0.5 } } }]);
  });

  it('update PATCHes the new settings; delete turns the sampler OFF (the config cannot be deleted)', async () => {
    const api = fakeApi();
    const p = traceConfigProvider(api.transport);
    await p.update!('id', inputs, { ...inputs, project: 'traces', samplingRate: 0.1 });
    await p.delete!('id', { ...inputs, project: 'traces' });
    expect(api.calls.map((c) => c.body)).toEqual([traceConfigOn('traces', 0.1), traceConfigOff('traces')]);
    expect(traceConfigOff('traces').samplingConfig).toEqual({ sampler: 'OFF' });
  });

  it('diff: org or environment replace, project or rate update, a new token alone changes nothing', async () => {
    const p = traceConfigProvider(fakeApi().transport);
    expect(await p.diff!('id', inputs, { ...inputs, accessToken: 'ya29.fresh' })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await p.diff!('id', inputs, { ...inputs, samplingRate: 0.2, accessToken: 'ya29.fresh' })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await p.diff!('id', inputs, { ...inputs, environment: 'staging-env' })).toEqual({ changes: true, replaces: ['environment'], deleteBeforeReplace: false });
  });

  it('an expired stored token (delete runs with the last update\'s) retries with GOOGLE_OAUTH_ACCESS_TOKEN, or says how to get one', async () => {
    const api = fakeApi([401]);
    await traceConfigProvider(api.transport, () => 'ya29.env').delete!('id', inputs);
    expect(api.calls.map((c) => c.token)).toEqual(['ya29.a', 'ya29.env']);
    const none = fakeApi([401]);
    await expect(traceConfigProvider(none.transport, () => undefined).delete!('id', inputs)).rejects.toThrow(/shop-org\/prod-env: turning Cloud Trace off failed with HTTP 401 \(the access token has expired: set GOOGLE_OAUTH_ACCESS_TOKEN=\$\(gcloud auth print-access-token\) and run again\)/);
    expect(none.calls).toHaveLength(1);
  });

  it('a refusal names the environment, the permission and Apigee\'s error', async () => {
    const api = fakeApi([403]);
    await expect(traceConfigProvider(api.transport).create!(inputs)).rejects.toThrow('Apigee trace config of shop-org/prod-env: turning Cloud Trace on failed with HTTP 403 (the deployer needs apigee.environments.updateTraceConfig, e.g. roles/apigee.environmentAdmin): {"code":403,"message":"denied","status":"PERMISSION_DENIED"}');
  });

  it('the URL escapes its path segments; the rate must be what Apigee accepts', () => {
    expect(traceConfigUrl('a/b', 'e?x')).toBe('https://apigee.googleapis.com/v1/organizations/a%2Fb/environments/e%3Fx/traceConfig');
    expect(() => traceConfigOn('p', 0.6)).toThrow(/more than 0 and at most 0\.5/);
    expect(() => traceConfigOn('p', 0)).toThrow(/more than 0 and at most 0\.5/);
  });
});

/** The observability fixture without objectives (Apigee refuses route objectives; tracing is what matters here). */
function tracedSpec(): Record<string, any> {
  const s = observedSpec();
  s.observability.objectives = [];
  return s;
}

describe('Apigee tracing in the plan and the program', () => {
  const spec = toGatewaySpec(tracedSpec());

  it('plans one trace config per traced stage, none when tracing is off', () => {
    const traced = compileApigee(spec).resources.filter((r) => r.type === TRACE_CONFIG_TYPE);
    expect(traced.map((r) => r.name)).toEqual(Object.keys(spec.stages).sort().map((s) => `trace-${s}`));
    expect(traced[0].inputs).toEqual({ org: { $ref: 'arg', name: 'orgId' }, environment: compileApigee(spec).environments[Object.keys(spec.stages).sort()[0]], project: { $ref: 'arg', name: 'project' }, samplingRate: 0.5, accessToken: { $ref: 'arg', name: 'accessToken' } });
    const off = tracedSpec();
    off.observability.tracing = false;
    expect(compileApigee(toGatewaySpec(off)).resources.filter((r) => r.type === TRACE_CONFIG_TYPE)).toEqual([]);
    // A stage may turn it on alone.
    const one = tracedSpec();
    one.observability.tracing = false;
    one.stages = { prod: { tracing: true }, staging: {} };
    expect(compileApigee(toGatewaySpec(one)).resources.filter((r) => r.type === TRACE_CONFIG_TYPE).map((r) => r.name)).toEqual(['trace-prod']);
  });

  it('ApigeeGateway creates the dynamic resource with the deployer\'s token (secret) and the project', async () => {
    const plan = compileApigee(spec);
    const gw = new ApigeeGateway('shop', { plan, orgId: 'shop-org', project: 'traces-project', serviceAccount: 'sa@shop.iam.gserviceaccount.com', functions: Object.fromEntries(plan.bindings.map((b) => [b, 'https://fn.a.run.app'])), bundleDir: require('node:os').tmpdir() });
    await new Promise((r) => gw.urn.apply(r));
    await settle();
    const mine = recorded.filter((r) => r.type === 'pulumi-nodejs:dynamic/apigee:TraceConfig');
    expect(mine.map((r) => r.name).sort()).toEqual(Object.keys(plan.environments).sort().map((s) => `shop-trace-${s}`));
    const first = mine.find((r) => r.name === `shop-trace-${Object.keys(plan.environments).sort()[0]}`)!;
    expect(first.inputs).toMatchObject({ org: 'shop-org', environment: plan.environments[Object.keys(plan.environments).sort()[0]], project: 'traces-project', samplingRate: 0.5 });
    // gcp.organizations.getClientConfig's token, passed as a secret (Pulumi's secret signature).
    expect(first.inputs.accessToken).toEqual({ '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: 'ya29.deployer' });
    // The provider travels with the resource (Pulumi serializes it) and calls the trace config API.
    expect(first.inputs.__provider).toContain('/traceConfig');
    expect(gw.resources.get(`trace-${Object.keys(plan.environments).sort()[0]}`)).toBeDefined();
  });
});
