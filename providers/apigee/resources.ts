/**
 * The declarative resource list of an Apigee plan: what ApigeeGateway creates and what
 * `anygate synth` writes to resources.json, with deploy-time values as typed DeployRefs.
 */
import { argRef, bindingRef, resourceRef, type PlannedResource, type PlanValue } from '../shared/resources';
import type { ApigeePlan } from './plan';

type Parts = Omit<ApigeePlan, 'resources' | 'warnings' | 'alerts'>;

const envId = (env: string) => argRef(`environment/${env}`);
const org = argRef('orgId');
const T = {
  api: 'gcp:apigee/api:Api',
  server: 'gcp:apigee/targetServer:TargetServer',
  kvm: 'gcp:apigee/environmentKeyvaluemaps:EnvironmentKeyvaluemaps',
  entry: 'gcp:apigee/environmentKeyvaluemapsEntries:EnvironmentKeyvaluemapsEntries',
  deploy: 'gcp:apigee/environmentApiRevisionDeployment:EnvironmentApiRevisionDeployment',
  product: 'gcp:apigee/apiProduct:ApiProduct',
  developer: 'gcp:apigee/developer:Developer',
  app: 'gcp:apigee/developerApp:DeveloperApp',
} as const;

const res = (type: string, name: string, inputs: Record<string, PlanValue>, dependsOn: string[] = []): PlannedResource => ({ type, name, inputs, dependsOn: [...dependsOn].sort() });

/** Whether the proxy's deployments carry ApigeeGateway's serviceAccount (the proxy calls Google as it). */
const deploysAsServiceAccount = (p: Pick<Parts, 'bindings' | 'accessLogName' | 'serviceAccountRoles'>): boolean => Boolean(p.bindings.length || p.accessLogName || p.serviceAccountRoles?.length);

function perStage(p: Parts, stage: string, kvmName: string): PlannedResource[] {
  const env = p.environments[stage];
  const out: PlannedResource[] = [];
  for (const ts of p.targetServers) {
    const t = ts.byStage[stage];
    if (!t) continue;
    out.push(res(T.server, `ts-${ts.name}-${stage}`, { envId: envId(env), name: ts.name, host: t.host, port: t.port, protocol: 'HTTP', isEnabled: true, ...(t.ssl ? { sSlInfo: { enabled: true } } : {}) }));
  }
  if (p.bindings.length) {
    out.push(res(T.kvm, `kvm-${stage}`, { envId: envId(env), name: kvmName }));
    for (const b of p.bindings) out.push(res(T.entry, `kvm-${stage}-${b}`, { envKeyvaluemapId: resourceRef(`kvm-${stage}`, 'id'), name: b, value: bindingRef(b, 'audience') }, [`kvm-${stage}`]));
  }
  const deployInputs: Record<string, PlanValue> = { orgId: org, environment: env, api: resourceRef('proxy', 'name'), revision: resourceRef('proxy', 'latestRevisionId'), override: true };
  // Google ID tokens for function backends are minted for the deployment's service account,
  // MessageLogging writes to Cloud Logging as it, and Model Armor and Vertex AI are called as it.
  if (deploysAsServiceAccount(p)) deployInputs.serviceAccount = argRef('serviceAccount');
  out.push(res(T.deploy, `deploy-${stage}`, deployInputs, ['proxy', ...out.map((r) => r.name)]));
  return out;
}

export function planResources(p: Parts, kvmName: string): PlannedResource[] {
  const out: PlannedResource[] = [res(T.api, 'proxy', { orgId: org, name: p.proxyName, configBundle: argRef('configBundle') })];
  for (const stage of Object.keys(p.environments).sort()) out.push(...perStage(p, stage, kvmName));
  for (const pr of p.products) {
    out.push(
      res(
        T.product,
        `product-${pr.name}`,
        {
          orgId: org,
          name: pr.name,
          displayName: pr.displayName,
          ...(pr.description ? { description: pr.description } : {}),
          approvalType: 'auto',
          environments: [pr.environment],
          proxies: [p.proxyName],
          apiResources: ['/**'],
          ...(pr.quota ? { quota: String(pr.quota.limit), quotaInterval: String(pr.quota.interval), quotaTimeUnit: pr.quota.timeUnit } : {}),
          ...(pr.rate ? { attributes: [{ name: 'anygate-rate', value: pr.rate }] } : {}),
        },
        ['proxy'],
      ),
    );
  }
  for (const d of p.developers) out.push(res(T.developer, `dev-${d.consumer}`, { orgId: org, email: d.email, firstName: d.firstName, lastName: d.lastName, userName: d.userName }));
  for (const a of p.apps) {
    out.push(
      res(
        T.app,
        `app-${a.consumer}-${a.stage}`,
        { orgId: org, name: a.name, developerEmail: resourceRef(`dev-${a.consumer}`, 'email'), apiProducts: [resourceRef(`product-${a.product}`, 'name')], callbackUrl: '', ...(a.description ? { attributes: [{ name: 'description', value: a.description }] } : {}) },
        [`dev-${a.consumer}`, `product-${a.product}`],
      ),
    );
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Each stage's MCP Discovery Proxy (its own bundle) and its deployment to the stage's environment:
 * Apigee provisions the managed MCP server's configuration from it and API hub ingests its document.
 */
export function mcpResources(p: Pick<ApigeePlan, 'mcpProxies' | 'environments' | 'bindings' | 'accessLogName' | 'serviceAccountRoles'>): PlannedResource[] {
  // Deployed as the proxy is: with its service account when the proxy's deployments carry one
  // (Google's quickstart deploys the MCP proxy with a service account).
  const serviceAccount: Record<string, PlanValue> = deploysAsServiceAccount(p) ? { serviceAccount: argRef('serviceAccount') } : {};
  return (p.mcpProxies ?? []).flatMap((m) => [
    res(T.api, `mcp-proxy-${m.stage}`, { orgId: org, name: m.proxyName, configBundle: argRef(`mcpConfigBundle/${m.stage}`) }),
    res(T.deploy, `mcp-deploy-${m.stage}`, { orgId: org, environment: p.environments[m.stage], api: resourceRef(`mcp-proxy-${m.stage}`, 'name'), revision: resourceRef(`mcp-proxy-${m.stage}`, 'latestRevisionId'), override: true, ...serviceAccount }, [`mcp-proxy-${m.stage}`]),
  ]);
}

/** The resources as a component named `component` creates them: names, dependencies and resource references prefixed. */
export function namedResources(resources: readonly PlannedResource[], component: string): PlannedResource[] {
  const n = (name: string) => `${component}-${name}`;
  const rename = (v: PlanValue): PlanValue => {
    if (Array.isArray(v)) return v.map(rename);
    if (v && typeof v === 'object') {
      if ('$ref' in v && v.$ref === 'resource') return { ...v, name: n(v.name as string) } as PlanValue;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x as PlanValue)]));
    }
    return v;
  };
  return resources.map((r) => ({ type: r.type, name: n(r.name), inputs: rename(r.inputs as PlanValue) as PlannedResource['inputs'], dependsOn: r.dependsOn.map(n) }));
}
