/**
 * What synth emits for one target, as an in-memory source tree the adopt readers take: the API
 * Gateway OpenAPI body (an export), the APIM resource graph, the Apigee bundle files, the
 * Kubernetes manifests. `anygate drift` reads a spec through the same reader as the live export,
 * so both sides lose the same things and only real differences remain. It lives beside bin/synth
 * because lib/ imports no provider.
 */
import { sourceTreeOf, type AdoptPlatform, type SourceTree } from '../../lib/adopt';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import type { AwsPlan } from '../../providers/aws/plan';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { toYaml } from '../../providers/kubernetes/yaml';
import { resourceList } from '../synth/azure';

/**
 * The API's part of the CloudFormation template the CDK constructs synthesize (RestApi with its
 * Body, Stage with MethodSettings, usage plans, keys), without CDK: drift and round trips run in
 * milliseconds.
 */
function awsTemplate(plan: AwsPlan): Record<string, unknown> {
  const resources: Record<string, unknown> = { Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: plan.apiName, Body: plan.body } } };
  for (const st of Object.values(plan.stages)) {
    const settings = [
      { ResourcePath: '/*', HttpMethod: '*', LoggingLevel: st.logLevel, MetricsEnabled: st.metrics, ...(st.throttle ? { ThrottlingRateLimit: st.throttle.rateLimit, ThrottlingBurstLimit: st.throttle.burstLimit } : {}) },
      ...st.methodSettings.map((m) => ({
        ResourcePath: m.resourcePath.replace(/\//g, '~1'),
        HttpMethod: m.httpMethod,
        LoggingLevel: m.loggingLevel,
        CachingEnabled: m.cachingEnabled,
        ...(m.cacheTtlInSeconds !== undefined ? { CacheTtlInSeconds: m.cacheTtlInSeconds } : {}),
        ...(m.throttlingRateLimit !== undefined ? { ThrottlingRateLimit: m.throttlingRateLimit, ThrottlingBurstLimit: m.throttlingBurstLimit } : {}),
      })),
    ];
    resources[`Stage${st.name}`] = { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, StageName: st.name, Variables: st.variables, TracingEnabled: st.tracing, MethodSettings: settings } };
  }
  for (const [id, u] of Object.entries(plan.usagePlans))
    resources[`Plan${id}`] = { Type: 'AWS::ApiGateway::UsagePlan', Properties: { UsagePlanName: u.plan, ApiStages: [{ ApiId: { Ref: 'Api' }, Stage: u.stage }], ...(u.quota ? { Quota: { Limit: u.quota.limit, Period: u.quota.period } } : {}), ...(u.throttle ? { Throttle: { RateLimit: u.throttle.rateLimit, BurstLimit: u.throttle.burstLimit } } : {}), ...(u.description ? { Description: u.description } : {}) } };
  for (const [id, k] of Object.entries(plan.apiKeys)) {
    resources[`Key${id}`] = { Type: 'AWS::ApiGateway::ApiKey', Properties: { Name: k.consumer, Enabled: true } };
    resources[`Key${id}Plan`] = { Type: 'AWS::ApiGateway::UsagePlanKey', Properties: { KeyId: { Ref: `Key${id}` }, KeyType: 'API_KEY', UsagePlanId: { Ref: `Plan${k.usagePlan}` } } };
  }
  return { Resources: resources };
}

/** The files synth writes for `platform` (one stage: the first, or `stage`), keyed as in the out dir. */
export function emittedTree(spec: GatewaySpec, platform: AdoptPlatform, stage?: string): SourceTree {
  const s = stage ?? Object.keys(spec.stages)[0];
  switch (platform) {
    case 'aws': {
      const plan = compileAws(spec, { stages: [s] });
      return sourceTreeOf('aws', {
        'aws/template.json': JSON.stringify(awsTemplate(plan), null, 2),
        // The generated authorizer's configuration, as synth writes it into the CDK asset.
        ...(plan.authorizer ? { 'aws/asset.authorizer/config.json': JSON.stringify(plan.authorizer.config, null, 2) } : {}),
        // And the generated transform function's.
        ...(plan.transform ? { 'aws/asset.transform/config.json': JSON.stringify(plan.transform.config, null, 2) } : {}),
      });
    }
    case 'azure': {
      const plan = compileAzure(spec, { stage: s });
      return sourceTreeOf('azure', { [`azure/${s}/resources.json`]: JSON.stringify(resourceList(plan.resources, spec.name), null, 2) });
    }
    case 'apigee': {
      const plan = compileApigee(spec, { environments: { [s]: s } });
      // Beside the bundle, what apigeecli returns for the organization's objects the proxy uses
      // (`apigeecli products get`, `apps get`, `targetservers get --env`).
      const org: Record<string, string> = {};
      const json = (v: unknown) => JSON.stringify(v, null, 2);
      for (const pr of plan.products)
        org[`products/${pr.name}.json`] = json({ name: pr.name, displayName: pr.displayName, ...(pr.description ? { description: pr.description } : {}), approvalType: 'auto', environments: [pr.environment], proxies: [plan.proxyName], ...(pr.quota ? { quota: String(pr.quota.limit), quotaInterval: String(pr.quota.interval), quotaTimeUnit: pr.quota.timeUnit } : {}), ...(pr.rate ? { attributes: [{ name: 'anygate-rate', value: pr.rate }] } : {}) });
      for (const a of plan.apps) org[`apps/${a.name}.json`] = json({ name: a.name, apiProducts: [{ apiproduct: a.product }], ...(a.description ? { attributes: [{ name: 'description', value: a.description }] } : {}) });
      for (const ts of plan.targetServers)
        for (const [env, t] of Object.entries(ts.byStage)) if (typeof t.host === 'string') org[`targetservers/${env}/${ts.name}.json`] = json({ name: ts.name, host: t.host, port: t.port, isEnabled: true, sSLInfo: { enabled: t.ssl } });
      return sourceTreeOf('apigee', { ...Object.fromEntries(Object.entries(plan.files).map(([f, c]) => [`apiproxy/${f}`, String(c)])), ...org });
    }
    case 'kubernetes': {
      const plan = compileKubernetes(spec, { stages: [s] });
      return sourceTreeOf('kubernetes', Object.fromEntries(plan.stages.map((st) => [`kubernetes/${st.stage}/gateway.yaml`, toYaml(st.objects)])));
    }
  }
}
