/**
 * compileApigee: GatewaySpec -> ApigeePlan, a proxy bundle (files under apiproxy/) plus products,
 * apps, target servers and the declarative resource list. Pure and deterministic. This module
 * only orchestrates: each route concern has its own emitter under emit/, and every spec string
 * that reaches an Apigee condition or message template goes through conditions.ts.
 */
import { APIGEE_LIMITS } from '../../lib/capabilities/limits';
import { assertSupported, emittedProblems } from '../../lib/capabilities/support';
import { SynthesisError } from '../../lib/model/errors';
import { bundleBytes } from './bundle';
import { targetLabel } from '../../lib/capabilities/targets';
import type { ApigeeEnvironmentType } from '../../lib/capabilities/types';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { el, toXml, type XNode } from '../shared/xml';
import { routeCondition } from './conditions';
import { ACCESS_LOG_NAME, accessLogRoute, routeDescription } from './access-log';
import { apigeeAlerts, monitoringResources, traceResources } from './observability';
import { ApigeeContext, type Fragment } from './context';
import { authFragment } from './emit/route-auth';
import { backendFragment } from './emit/backend';
import { llmFragment } from './emit/llm';
import { cacheFragment } from './emit/cache';
import { limitsFragment } from './emit/limits';
import { transformFragment } from './emit/transform';
import { CONTRACT_RESOURCE, OAS_RESOURCE, validationFragment } from './emit/validation';
import { precedenceOrder } from '../../lib/model/precedence';

import { apps, developers, products, type DeveloperInfo } from './org';
import type { ApigeePlan } from './plan';
import { descriptor, preflow, proxyEndpoint } from './proxy';
import { mcpResources, planResources } from './resources';
import { apigeeMcpProxies } from './mcp';
import { apigeeDomains, domainResources } from './domains';
import { SCRIPT_NAME, SCRIPT_SOURCE } from './script';
import { Targets } from './targets';
import { flatSpec } from '../../lib/model/versions';
import { portalDocument } from '../../lib/openapi/publish';
import { toSafeName } from '../../lib/model/names';
import { targetWarning, specWarnings } from '../../lib/capabilities/warnings';

export interface ApigeeCompileOptions {
  /** Environment type the proxy is deployed to. @default 'INTERMEDIATE' */
  readonly environmentType?: ApigeeEnvironmentType;
  /** Apigee environment of each stage deployed. @default - every stage, to an environment of its own name */
  readonly environments?: Record<string, string>;
  /** Developer who owns each consumer's apps. @default - `<consumer>@<gateway>.anygate.invalid` */
  readonly developers?: DeveloperInfo;
  /**
   * The Model Armor template (`projects/P/locations/L/templates/T`) LLM guards screen with when
   * their backend names none in guards.modelArmor.template.
   * @default - none: a guard without a template is refused
   */
  readonly modelArmorTemplate?: string;
  /**
   * The environment group host name of each stage (`api.example.com`), which Apigee's MCP server
   * calls the tools at (the tools' OpenAPI servers.url must name it).
   * @default - the stage's custom domains; a stage with tools and neither is refused
   */
  readonly hostnames?: Record<string, string>;
  /**
   * The Apigee organization: the MCP Discovery Proxies target `<organization>.mcp.apigee.internal`.
   * @default - none: `mcp.apigee.internal`, which Apigee accepts for backward compatibility
   */
  readonly organization?: string;
}

/** One route's Flow: auth, validation, limits, cache lookup, transforms, backend; then the response side. */
function routeFlow(ctx: ApigeeContext, r: RouteSpec, targets: Targets): XNode {
  const cache = cacheFragment(ctx, r);
  const backend = backendFragment(ctx, r, targets);
  const transform = transformFragment(ctx, r);
  const llm = llmFragment(ctx, r);
  const request: Fragment[] = [authFragment(ctx, r), validationFragment(ctx, r), limitsFragment(ctx, r), llm, cache.lookup, transform, backend];
  // The mock answer first, then the model's token count, then response transforms, then the cache stores what the client gets.
  const response: Fragment[] = [backend, llm, transform, cache.store];
  return el(
    'Flow',
    { name: r.id },
    el('Description', {}, routeDescription(r)),
    el('Request', {}, ...accessLogRoute(ctx), ...request.flatMap((f) => f.request)),
    el('Response', {}, ...response.flatMap((f) => f.response)),
    el('Condition', {}, routeCondition(r)),
  );
}

/**
 * The whole contract as Apigee's integrated portal and API hub read it (OpenAPI 3.0, no gateway
 * policy), bundled beside the proxy: `resources/oas/contract.json`, or one
 * `contract-<version>.json` per API version (one document holds one operation per method and
 * path). Only when the spec has a contract (a route's or shared components).
 */
export function contractFiles(spec: GatewaySpec): Record<string, string> {
  if (!spec.components && !spec.routes.some((r) => r.contract)) return {};
  const versions = spec.versions?.list.map((v) => v.name) ?? [];
  const write = (version?: string) => JSON.stringify(portalDocument(spec, { openapi: '3.0', version }), null, 2) + '\n';
  if (!versions.length) return { [`resources/oas/${CONTRACT_RESOURCE}`]: write() };
  return Object.fromEntries(versions.map((v) => [`resources/oas/contract-${toSafeName(v)}.json`, write(v)]));
}

function bundleFiles(ctx: ApigeeContext, flows: XNode[], targets: Targets, published: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = { ...targets.files() };
  files['proxies/default.xml'] = proxyEndpoint(ctx, preflow(ctx), flows, targets.names());
  for (const [name, p] of ctx.policies) files[`policies/${name}.xml`] = toXml(p, { declaration: true });
  const resources: string[] = [];
  if ([...ctx.policies.values()].some((p) => p.name === 'Javascript')) {
    files[`resources/jsc/${SCRIPT_NAME}`] = SCRIPT_SOURCE;
    resources.push(`jsc://${SCRIPT_NAME}`);
  }
  if (Object.keys(ctx.oasPaths).length) {
    const doc = { openapi: '3.0.3', info: { title: ctx.proxy, version: ctx.spec.version }, servers: [{ url: ctx.spec.basePath }], paths: ctx.oasPaths, ...(Object.keys(ctx.oasSchemas).length ? { components: { schemas: Object.fromEntries(Object.keys(ctx.oasSchemas).sort().map((k) => [k, ctx.oasSchemas[k]])) } } : {}) };
    files[`resources/oas/${OAS_RESOURCE}`] = JSON.stringify(doc, null, 2) + '\n';
    resources.push(`oas://${OAS_RESOURCE}`);
  }
  for (const [path, text] of Object.entries(published)) {
    files[path] = text;
    resources.push(`oas://${path.slice('resources/oas/'.length)}`);
  }
  files[`${ctx.proxy}.xml`] = descriptor(ctx, resources.sort(), targets.names());
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(files).sort()) sorted[k] = files[k];
  return sorted;
}

/** What the proxy calls as its service account: Model Armor for guards, Vertex AI for its models. */
function serviceAccountRoles(spec: GatewaySpec): { serviceAccountRoles?: string[] } {
  const roles = new Set<string>();
  for (const r of spec.routes) {
    const b = spec.backends[r.backend];
    if (b.type !== 'llm') continue;
    // Both, as Google's policy references ask: user calls the sanitize methods, viewer reads the template.
    if (b.guards?.promptSafety || b.guards?.pii) {
      roles.add('roles/modelarmor.user');
      roles.add('roles/modelarmor.viewer');
    }
    if (b.provider === 'vertex-ai') roles.add('roles/aiplatform.user');
  }
  return roles.size ? { serviceAccountRoles: [...roles].sort() } : {};
}

export function compileApigee(versioned: GatewaySpec, options: ApigeeCompileOptions = {}): ApigeePlan {
  const environmentType = options.environmentType ?? 'INTERMEDIATE';
  const tiers = { apigeeEnvironmentType: environmentType };
  const environments = options.environments ?? Object.fromEntries(Object.keys(versioned.stages).map((s) => [s, s]));
  // Every decision (portability shares it) comes first, names included (the capability records);
  // then the emitters only emit.
  const apigeeOptions = {
    environments,
    ...(options.modelArmorTemplate !== undefined ? { modelArmorTemplate: options.modelArmorTemplate } : {}),
    ...(options.hostnames !== undefined ? { hostnames: options.hostnames } : {}),
    ...(options.organization !== undefined ? { organization: options.organization } : {}),
  };
  assertSupported(versioned, 'apigee', { ...tiers, apigee: apigeeOptions });
  // Versions become flow conditions (path prefix, header or query) and a canary weighted targets.
  const spec = flatSpec(versioned);
  const ctx = new ApigeeContext(spec, targetLabel('apigee', tiers), environments, options.modelArmorTemplate);
  const targets = new Targets(ctx);
  // Apigee runs the first conditional flow whose condition holds: flows go in route precedence.
  const flows = precedenceOrder(spec.routes).map((r) => routeFlow(ctx, r, targets));
  const files = bundleFiles(ctx, flows, targets, contractFiles(versioned));
  // The zip's size is the size record's to decide (lib/capabilities/targets/apigee.ts).
  const problems = emittedProblems(versioned, 'apigee', { ...tiers, apigee: apigeeOptions }, 'size', [{ where: 'gateway', bytes: bundleBytes(files, APIGEE_LIMITS.bundleBytes) }]);
  if (problems.length) throw new SynthesisError(ctx.target, problems);
  const parts = {
    proxyName: ctx.proxy,
    basePath: spec.basePath,
    environmentType,
    environments: Object.fromEntries(ctx.stages.map((s) => [s, environments[s]])),
    files,
    products: products(ctx),
    developers: developers(ctx, options.developers),
    apps: apps(ctx),
    targetServers: [...ctx.targetServers.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    bindings: [...ctx.bindings].sort(),
    ...(spec.observability.accessLogs ? { accessLogName: ACCESS_LOG_NAME } : {}),
    ...serviceAccountRoles(spec),
  };
  const mcp = apigeeMcpProxies(spec, ctx.proxy, Object.keys(parts.environments), options);
  const domains = apigeeDomains(spec, ctx.proxy, parts.environments);
  const resources = [...planResources(parts, ctx.audienceMap), ...mcpResources({ ...parts, mcpProxies: mcp }), ...domainResources(domains, parts.environments), ...monitoringResources(spec, ctx.proxy, parts.environments), ...traceResources(spec, parts.environments)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (mcp.length && options.organization === undefined) ctx.warnings.push(targetWarning('apigee-mcp-organization', `MCP Discovery Proxies ${mcp.map((m) => m.proxyName).join(', ')} target https://mcp.apigee.internal/mcp, which Google supports for backward compatibility only; pass organization (ApigeeGateway's orgId as a plain string, or compileApigee's organization) to target https://<organization>.mcp.apigee.internal/mcp`));
  if (domains.length) ctx.warnings.push(targetWarning('apigee-domain-load-balancer', `custom domains ${domains.flatMap((d) => d.hostnames).join(', ')}: Apigee X is reached through your external load balancer; it must serve ${[...new Set(domains.flatMap((d) => Object.values(d.certificates)))].join(', ')} for these hosts (docs/domains.md)`));
  // The AccessControl reads client.resolved.ip; what the environment resolves it from is not anygate's to set.
  if (spec.ipRules && (spec.ipRules.allow.length || spec.ipRules.deny.length)) ctx.warnings.push(targetWarning('apigee-client-ip-resolution', `ipRules check client.resolved.ip; unless each environment (${Object.keys(parts.environments).join(', ')}) has a clientIpResolutionConfig naming the load balancer's X-Forwarded-For entry (headerIndexAlgorithm, ipHeaderIndex counted from the right, e.g. -3), Apigee resolves the first non-local entry, which a client writes: an allow list is then passed and a deny list dodged with X-Forwarded-For (docs/security.md)`));
  const alerts = spec.observability.objectives.length ? { alerts: apigeeAlerts(spec, ctx.proxy, parts.environments) } : {};
  return { ...parts, resources, ...alerts, ...(domains.length ? { domains } : {}), ...(mcp.length ? { mcpProxies: mcp } : {}), warnings: specWarnings(spec, ctx.warnings) };
}
