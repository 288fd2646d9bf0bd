/**
 * compileAzure: GatewaySpec -> ApimPlan for one stage. Pure and deterministic. Small emitters
 * (./emit) each turn one route concern into policy nodes; this module runs them, hoists what every
 * route shares into the API policy (an operation gets a policy only when it needs more), and
 * lists the resources (./resources).
 */
import { onErrorSection } from './emit/errors';
import { accessLogTrace } from './emit/access-log';
import { apimAlerts, apimDashboard } from './observability';
import { assertSupported, emittedProblems } from '../../lib/capabilities/support';
import { targetLabel } from '../../lib/capabilities/targets';
import type { AzureSku } from '../../lib/capabilities/types';
import { dedupeProblems, SynthesisError, type SynthesisProblem } from '../../lib/model/errors';
import { credentialLocation, locationKey } from '../../lib/model/credentials';
import { canonical } from '../../lib/model/normalize';
import { canonicalPlan, insertSorted } from './canonical';
import type { ApiKeyAuthorizerSpec, GatewaySpec, RouteSpec } from '../../lib/model/types';
import { emitAuth } from './emit/auth';
import { emitBackend } from './emit/backend';
import { emitLlm } from './emit/llm';
import { emitCache } from './emit/cache';
import type { EmitContext, Fragment, RouteEmitter } from './emit/context';
import { corsPolicy } from './emit/cors';
import { ipFilter } from './emit/ip';
import { apimHostnames, certificatePlanPolicies, clientCertificatePolicies } from './emit/mtls';
import { emitLimits, fixedKeyLimit } from './emit/limits';
import { emitTransform } from './emit/transform';
import { emitValidation } from './emit/validation';
import { apimContract, apimPublished, type ApimParameter } from './contract';
import { ApimStrings } from './expressions';
import { apimNames } from './names';
import type { ApimOperation, ApimPlan } from './plan';
import { planBackends, planNamedValues, planProducts, planSubscriptions } from './plan-parts';
import { planResources } from './resources';
import { apimMcpServer } from './mcp';
import { policyDocument, type XNode } from './xml';
import { versionedPlan } from './versions';
import { revisedPlan } from './revisions';
import { revisionSpec } from '../../lib/model/revisions';
import { canaryAsWeights, versionSpec } from '../../lib/model/versions';
import { targetWarning, specWarnings } from '../../lib/capabilities/warnings';

/**
 * Every option but stage and applicationInsights may also be set in the gateway's `azure:` block
 * (sku, externalCache, versioning, apiDefinition); options passed here win.
 */
export interface AzureCompileOptions {
  /** API Management SKU the gateway runs on. @default 'Developer' */
  readonly sku?: AzureSku;
  /** The stage this component deploys. @default 'prod' when the spec has it, else the first stage */
  readonly stage?: string;
  /** The service has an external (Redis) cache configured; required for caching on Consumption. @default false */
  readonly externalCache?: boolean;
  /** Put the API in a version set with this scheme. @default - no version set */
  readonly versioning?: 'Segment' | 'Header' | 'Query';
  /** Application Insights is wired (a Logger and an ApiDiagnostic are planned). @default false */
  readonly applicationInsights?: boolean;
  /**
   * How operations are created: one ApiOperation per route, or one OpenAPI `value` on the Api
   * (fewer ARM calls; refuses ANY routes and greedy parameters, which OpenAPI cannot express).
   * @default 'operations'
   */
  readonly apiDefinition?: 'operations' | 'openapi';
}

type Concern = 'auth' | 'validation' | 'limits' | 'cache' | 'transform' | 'llm' | 'backend';
/** Route concerns in pipeline order; a section's leading concerns shared by every route are hoisted. */
const CONCERNS: readonly (readonly [Concern, RouteEmitter])[] = [
  ['auth', emitAuth],
  ['validation', emitValidation],
  ['limits', emitLimits],
  ['cache', emitCache],
  ['transform', emitTransform],
  ['llm', emitLlm],
  ['backend', emitBackend],
];
const SECTIONS: Readonly<Record<'inbound' | 'backend' | 'outbound', readonly Concern[]>> = {
  inbound: ['auth', 'validation', 'limits', 'cache', 'transform', 'llm', 'backend'],
  backend: ['backend'],
  outbound: ['transform', 'cache'],
};
type Section = keyof typeof SECTIONS;
/** A route's fragment per concern (a plain object: built once per route and stage, thousands of them). */
type RouteFragments = Record<Concern, Fragment>;

function urlTemplate(route: RouteSpec): string {
  if (route.segments.length === 0) return '/';
  return route.segments.map((s) => '/' + (s.kind === 'literal' ? s.value : s.greedy ? `{*${s.name}}` : `${s.prefix}{${s.name}}${s.suffix}`)).join('');
}

/** keyAuthorizers by spec: every stage's compile asks (a walk over every route). */
const KEY_AUTHORIZERS = new WeakMap<GatewaySpec, ApiKeyAuthorizerSpec[]>();

/** The API key authorizers routes use, in route order (each once). */
function keyAuthorizers(spec: GatewaySpec): ApiKeyAuthorizerSpec[] {
  let keys = KEY_AUTHORIZERS.get(spec);
  if (!keys) {
    const names = new Set<string>();
    for (const r of spec.routes) if (r.auth !== 'none') for (const alt of r.auth) for (const n of alt) names.add(n);
    keys = [...names].flatMap((n) => (spec.authorizers[n].type === 'apiKey' ? [spec.authorizers[n] as ApiKeyAuthorizerSpec] : []));
    KEY_AUTHORIZERS.set(spec, keys);
  }
  return keys;
}

/**
 * subscriptionKeyParameterNames: API Management takes one header name and one query parameter
 * name per API and accepts the key in either (the header wins when both are sent), so a header key
 * and a query key share one API; a place the spec does not use keeps APIM's default name.
 * https://learn.microsoft.com/azure/api-management/api-management-subscriptions#use-a-subscription-key
 * (the capability check refuses a second header or query name).
 */
function keyParameterNames(keys: ApiKeyAuthorizerSpec[], strings: ApimStrings): { header: string; query: string } | undefined {
  if (keys.length === 0) return undefined;
  const header = keys.find((k) => k.in === 'header');
  const query = keys.find((k) => k.in === 'query');
  return {
    header: header ? strings.header(header.name, 'gateway', 'auth.apiKey', 'apiKey name') : 'Ocp-Apim-Subscription-Key',
    query: query ? strings.plainName(query.name, 'gateway', 'auth.apiKey', 'apiKey name') : 'subscription-key',
  };
}

/**
 * Whether the API itself requires a subscription: only when every route needs a key in every one
 * of its alternatives and there is no CORS (APIM's own missing-key 401 carries no CORS headers;
 * the per-route check does). Otherwise routes that need a key check it in policy.
 */
function requiresSubscription(spec: GatewaySpec): boolean {
  const needsKey = (r: RouteSpec) => r.auth !== 'none' && !r.authOptional && r.auth.every((alt) => alt.some((n) => spec.authorizers[n].type === 'apiKey'));
  return spec.routes.length > 0 && !spec.cors && spec.routes.every(needsKey);
}

/**
 * Fragments that are the same on every stage, by spec and route: synthesis compiles each stage on
 * its own, and these concerns read only the spec (and what context() derives from it alone), so
 * the second stage reuses the first one's nodes (nodes are never changed once built). Auth is
 * stage-independent unless a custom authorizer is involved (its named values and callout carry
 * stage names); validation reads the route alone. Specs are not changed once normalized.
 * Transforms read the stage only through its variables, and caching only through externalCache
 * (neither adds warnings, problems or named values): a stage whose key (`stageKeys`) is the one
 * the kept fragment was made under takes it (every stage of the bench's gateway: no variables).
 */
const STAGE_FREE = new WeakMap<GatewaySpec, Map<RouteSpec, StageFree>>();
/** A route's stage-free fragments; auth undefined when a custom authorizer makes it stage-dependent. */
interface StageFree {
  readonly auth: Fragment | undefined;
  readonly validation: Fragment;
  /** The transform fragment, made under the stage variables `transformKey` names. */
  transform: Fragment;
  transformKey: string;
  /** The cache fragment, made under the externalCache `cacheKey` names. */
  cache: Fragment;
  cacheKey: string;
}

/** What the kept transform and cache fragments depend on of a stage, as text (made once per compile). */
function stageKeys(ctx: EmitContext): { transform: string; cache: string } {
  const vars = ctx.stageVars;
  const names = Object.keys(vars).sort();
  let transform = '';
  for (const n of names) transform += JSON.stringify(n) + ':' + JSON.stringify(vars[n]) + ',';
  return { transform, cache: ctx.externalCache ? 'external' : 'internal' };
}
const usesCustomAuth = (spec: GatewaySpec, r: RouteSpec) => r.auth !== 'none' && r.auth.some((alt) => alt.some((n) => spec.authorizers[n].type === 'custom'));

/** Every route's fragments, in route order. Index loops, no Map per route: this runs once per route and stage. */
function routeFragments(spec: GatewaySpec, ctx: EmitContext): RouteFragments[] {
  let memo = STAGE_FREE.get(spec);
  if (!memo) STAGE_FREE.set(spec, (memo = new Map()));
  const keys = stageKeys(ctx);
  const out: RouteFragments[] = new Array(spec.routes.length);
  for (let i = 0; i < spec.routes.length; i++) {
    const r = spec.routes[i]!;
    // The emitters run in pipeline order (their warnings and problems come in that order).
    const kept = memo.get(r);
    let auth = kept?.auth;
    if (!auth) auth = emitAuth(r, ctx);
    const validation = kept ? kept.validation : emitValidation(r, ctx);
    const limits = emitLimits(r, ctx);
    const cache = kept && kept.cacheKey === keys.cache ? kept.cache : emitCache(r, ctx);
    const transform = kept && kept.transformKey === keys.transform ? kept.transform : emitTransform(r, ctx);
    if (!kept) memo.set(r, { auth: usesCustomAuth(spec, r) ? undefined : auth, validation, transform, transformKey: keys.transform, cache, cacheKey: keys.cache });
    else {
      kept.cache = cache;
      kept.cacheKey = keys.cache;
      kept.transform = transform;
      kept.transformKey = keys.transform;
    }
    out[i] = { auth, validation, limits, cache, transform, llm: emitLlm(r, ctx), backend: emitBackend(r, ctx) };
  }
  return out;
}

/**
 * Whether two nodes are written alike: the same object (shared refusals, fragments reused across
 * stages), or the same name, attributes in the same order and children. What comparing their
 * JSON text decided, without writing it for every route.
 */
function sameNode(a: XNode | string, b: XNode | string): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string' || a.name !== b.name) return false;
  const ak = a.attrs ? Object.keys(a.attrs) : [];
  const bk = b.attrs ? Object.keys(b.attrs) : [];
  if (ak.length !== bk.length) return false;
  for (let i = 0; i < ak.length; i++) if (ak[i] !== bk[i] || a.attrs![ak[i]!] !== b.attrs![bk[i]!]) return false;
  if ((a.attrs === undefined) !== (b.attrs === undefined) || (a.children === undefined) !== (b.children === undefined)) return false;
  const ac = a.children ?? [];
  const bc = b.children ?? [];
  if (ac.length !== bc.length) return false;
  for (let i = 0; i < ac.length; i++) if (!sameNode(ac[i]!, bc[i]!)) return false;
  return true;
}

/** Per section, the leading concerns whose nodes are identical on every route. */
function hoistable(all: RouteFragments[]): Record<Section, Set<Concern>> {
  const out = { inbound: new Set<Concern>(), backend: new Set<Concern>(), outbound: new Set<Concern>() };
  for (const section of Object.keys(SECTIONS) as Section[]) {
    for (const c of SECTIONS[section]) {
      const firstNodes = all[0]?.[c][section] ?? [];
      const same = (nodes: readonly XNode[]) => nodes.length === firstNodes.length && nodes.every((n, i) => sameNode(n, firstNodes[i]!));
      if (all.length && all.every((f) => same(f[c][section] ?? []))) out[section].add(c);
      else break;
    }
  }
  return out;
}

/** Per section, the concerns hoisted (want) or not, in pipeline order: decided once per compile, not per route. */
function concernsOf(hoisted: Record<Section, Set<Concern>>, want: boolean): Record<Section, Concern[]> {
  const of = (section: Section) => SECTIONS[section].filter((c) => hoisted[section].has(c) === want);
  return { inbound: of('inbound'), backend: of('backend'), outbound: of('outbound') };
}

/** The section's nodes of these concerns, in their order. Loops: once per route, section and stage. */
function pick(f: RouteFragments, section: Section, concerns: readonly Concern[]): XNode[] {
  const out: XNode[] = [];
  for (let i = 0; i < concerns.length; i++) {
    const nodes = f[concerns[i]!][section];
    if (nodes) for (let j = 0; j < nodes.length; j++) out.push(nodes[j]!);
  }
  return out;
}

/** The stage's custom host names, and Consumption's service-wide client-certificate switch. */
function hostnamesOf(spec: GatewaySpec, ctx: EmitContext): Pick<ApimPlan, 'hostnames' | 'enableClientCertificate'> {
  const hostnames = apimHostnames(spec, ctx.stage);
  if (!hostnames.length) return {};
  const mtls = hostnames.some((h) => h.negotiateClientCertificate);
  return { hostnames, ...(mtls && ctx.sku === 'Consumption' ? { enableClientCertificate: true } : {}) };
}

function gatewayInbound(spec: GatewaySpec, ctx: EmitContext): XNode[] {
  const out: XNode[] = [...clientCertificatePolicies(spec, ctx)];
  if (spec.ipRules?.allow.length) out.push(ipFilter('allow', spec.ipRules.allow));
  if (spec.ipRules?.deny.length) out.push(ipFilter('forbid', spec.ipRules.deny));
  if (spec.cors) out.push(corsPolicy(spec.cors, ctx.strings));
  const throttle = spec.stages[ctx.stage].throttle;
  if (throttle) out.push(fixedKeyLimit(throttle, ctx.names.counter('stage')));
  out.push(...certificatePlanPolicies(spec, ctx));
  return out;
}

/** An operation but its policy, and the API schemas building it added (in the order added). */
interface OperationBase {
  readonly op: Omit<ApimOperation, 'policy'>;
  readonly added: readonly [string, unknown][];
}

/**
 * operationBase by spec and route (see STAGE_FREE): everything of an operation but its policy
 * reads the spec alone, so each later stage takes the first one's and replays its schema writes.
 * Every stage's compile builds its operations in route order from an empty `schemas`, so replaying
 * the recorded writes in that order leaves `schemas` as building them would.
 */
const OPERATION_BASES = new WeakMap<GatewaySpec, Map<RouteSpec, OperationBase>>();

function operationBase(spec: GatewaySpec, r: RouteSpec, schemas: Record<string, unknown>): Omit<ApimOperation, 'policy'> {
  let memo = OPERATION_BASES.get(spec);
  if (!memo) OPERATION_BASES.set(spec, (memo = new Map()));
  const kept = memo.get(r);
  if (kept) {
    const added = kept.added;
    for (let i = 0; i < added.length; i++) schemas[added[i]![0]] = added[i]![1];
    return kept.op;
  }
  const added: [string, unknown][] = [];
  // The writes as they happen (a `??=` that finds a schema writes nothing, and is not recorded).
  const recorded = new Proxy(schemas, {
    set(target, name, schema) {
      added.push([name as string, schema]);
      target[name as string] = schema;
      return true;
    },
  });
  // Built canonical (canonical.ts): every stage's plan shares it instead of copying it.
  const op = buildOperationBase(spec, r, recorded);
  memo.set(r, { op, added });
  return op;
}

function buildOperationBase(spec: GatewaySpec, r: RouteSpec, schemas: Record<string, unknown>): Omit<ApimOperation, 'policy'> {
  let bodySchema: string | undefined;
  if (r.validation?.bodySchema) {
    bodySchema = `${r.id}Body`;
    schemas[bodySchema] = r.validation.bodySchema;
  }
  const req = new Set(r.validation?.requiredQuery ?? []);
  const reqH = new Set(r.validation?.requiredHeaders ?? []);
  const contract = apimContract(spec, r, schemas);
  const published = apimPublished(spec, r, schemas);
  // validation.bodySchema's own representation stays what validate-content checks.
  const representations = contract?.representations.length ? contract.representations : r.validation?.bodySchema ? [] : published.representations;
  // The contract's declaration of a parameter wins over the plain one the policy implies.
  const withContract = (implied: ApimParameter[], declared: ApimParameter[] = [], ci = false) => {
    const key = (n: string) => (ci ? n.toLowerCase() : n);
    const names = new Set(declared.map((p) => key(p.name)));
    return [...implied.filter((p) => !names.has(key(p.name))), ...canonical(declared)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  const plain = (name: string, required: boolean): ApimParameter => ({ name, required, type: 'string' });
  // Keys written in sorted order, undefined left out: the operation is canonical as built
  // (canonical.ts); the contract's parts (rare) are made so by `canonical`.
  const op: Record<string, unknown> = {};
  if (bodySchema) op.bodySchema = bodySchema;
  if (r.description) op.description = r.description;
  op.displayName = r.description ? r.description.slice(0, 300) : `${r.method} ${r.path}`;
  op.headers = withContract([...new Set([...reqH, ...(r.cache?.key.headers ?? [])])].sort().map((name) => plain(name, reqH.has(name))), contract?.parameters.header, true);
  op.id = r.id;
  op.method = r.method === 'ANY' ? '*' : r.method;
  op.queryParameters = withContract([...new Set([...req, ...(r.cache?.key.query ?? [])])].sort().map((name) => plain(name, req.has(name))), contract?.parameters.query);
  if (representations.length) op.representations = canonical(representations);
  if (published.responses.length) op.responses = canonical(published.responses);
  op.templateParameters = withContract(r.segments.flatMap((s) => (s.kind === 'param' ? [plain(s.name, true)] : [])), contract?.parameters.path);
  op.urlTemplate = urlTemplate(r);
  return op as unknown as Omit<ApimOperation, 'policy'>;
}

/** The operation with its own policy: the nodes of the concerns `own` (those not hoisted into the API policy). */
function operation(spec: GatewaySpec, r: RouteSpec, f: RouteFragments, own: Record<Section, Concern[]>, schemas: Record<string, unknown>): ApimOperation {
  const inbound = pick(f, 'inbound', own.inbound);
  const backend = pick(f, 'backend', own.backend);
  const outbound = pick(f, 'outbound', own.outbound);
  const base = operationBase(spec, r, schemas);
  if (!(inbound.length || backend.length || outbound.length)) return base;
  // Canonical as built (canonical.ts): the base is, and the policy goes in its sorted place.
  return insertSorted(base, 'policy', policyDocument({ inbound, backend, outbound }));
}

function checkSizes(spec: GatewaySpec, plan: Pick<ApimPlan, 'apiPolicy' | 'operations' | 'products'>, ctx: EmitContext): void {
  const bytes = (xml: string | undefined) => (xml ? Buffer.byteLength(xml) : 0);
  const measured = [{ where: 'gateway', bytes: bytes(plan.apiPolicy) }, ...plan.operations.map((o) => ({ where: o.id, bytes: bytes(o.policy) })), ...plan.products.map((p) => ({ where: 'gateway', bytes: bytes(p.policy) }))];
  ctx.problems.push(...emittedProblems(spec, 'azure', { azureSku: ctx.sku }, 'policy.size', measured));
}

/** The gateway's `azure:` block (checked by the capability records) under the caller's options. */
function withSpecOptions(spec: GatewaySpec, options: AzureCompileOptions): AzureCompileOptions {
  return { ...(spec.azure as Partial<AzureCompileOptions> | undefined), ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
}

function context(spec: GatewaySpec, options: AzureCompileOptions): EmitContext {
  const sku = options.sku ?? 'Developer';
  const target = targetLabel('azure', { azureSku: sku });
  assertSupported(spec, 'azure', { azureSku: sku, azure: { stage: options.stage, externalCache: options.externalCache, apiDefinition: options.apiDefinition } });
  const problems: SynthesisProblem[] = [];
  // assertSupported has checked that a requested stage exists.
  const stage = options.stage ?? (spec.stages.prod ? 'prod' : Object.keys(spec.stages)[0]);
  const strings = new ApimStrings(target);
  const names = apimNames(spec.name, spec.basePath, stage);
  const common = { spec, stage, stageVars: spec.stages[stage].variables, sku, target, names, strings, problems, warnings: [], namedValues: new Map() };
  const keys = keyAuthorizers(spec);
  const keyLocations = [...new Map(keys.map((k) => credentialLocation(k)).map((l) => [locationKey(l), l])).values()];
  const keyParameters = keyParameterNames(keys, strings);
  return { ...common, subscriptionRequired: requiresSubscription(spec), keyParameters, keyLocations, externalCache: Boolean(options.externalCache) };
}

export function compileAzure(spec: GatewaySpec, callerOptions: AzureCompileOptions = {}): ApimPlan {
  if (spec.revisions && !spec.versions) return compileRevisions(spec, callerOptions);
  // A canary is a weighted Pool backend (lib/model/versions.ts canaryAsWeights).
  if (!spec.versions) return compileApi(canaryAsWeights(spec), callerOptions);
  // One Api per version in one version set (versions.ts); the records decide on the whole spec.
  const options = withSpecOptions(spec, callerOptions);
  assertSupported(spec, 'azure', { azureSku: options.sku ?? 'Developer', azure: { stage: options.stage, externalCache: options.externalCache, apiDefinition: options.apiDefinition } });
  const single = { ...options, versioning: undefined };
  const drafts = spec.versions.list.map((v) => {
    const { resources: _r, ...draft } = compileApi({ ...canaryAsWeights(versionSpec(spec, v.name)), azure: { ...spec.azure, versioning: undefined } }, single);
    return draft;
  });
  const stage = drafts[0].stage;
  const plan = versionedPlan(spec, apimNames(spec.name, spec.basePath, stage).versionSet, drafts);
  return canonicalPlan(plan, planResources(plan, { applicationInsights: Boolean(options.applicationInsights), apiDefinition: options.apiDefinition }));
}

/** One Api per revision (revisions.ts); the records decide on the whole spec (validation keeps versions out). */
function compileRevisions(spec: GatewaySpec, callerOptions: AzureCompileOptions): ApimPlan {
  const options = withSpecOptions(spec, callerOptions);
  assertSupported(spec, 'azure', { azureSku: options.sku ?? 'Developer', azure: { stage: options.stage, externalCache: options.externalCache, apiDefinition: options.apiDefinition } });
  const draft = (n: number) => {
    const { resources: _r, ...d } = compileApi(canaryAsWeights(revisionSpec(spec, n)), options);
    return d;
  };
  const revs = spec.revisions!;
  const others = revs.list.filter((r) => r.number !== revs.current).map((r) => ({ number: r.number, draft: draft(r.number) }));
  const plan = revisedPlan(spec, draft(revs.current), others);
  return canonicalPlan(plan, planResources(plan, { applicationInsights: Boolean(options.applicationInsights), apiDefinition: options.apiDefinition }));
}

function compileApi(spec: GatewaySpec, callerOptions: AzureCompileOptions): ApimPlan {
  const options = withSpecOptions(spec, callerOptions);
  const ctx = context(spec, options);
  for (const [name, a] of Object.entries(spec.authorizers)) {
    if (a.type === 'jwt' && a.jwksUri) ctx.warnings.push(targetWarning('azure-jwt-openid-discovery', `authorizer ${name}: validate-jwt reads signing keys through OpenID discovery (${a.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration); the issuer must publish it, and jwksUri is not used`));
  }
  const all = routeFragments(spec, ctx);
  const hoisted = hoistable(all);
  const inApi = concernsOf(hoisted, true);
  const sample = all[0];
  const apiPolicy = policyDocument({
    inbound: [...gatewayInbound(spec, ctx), ...(sample ? pick(sample, 'inbound', inApi.inbound) : [])],
    backend: sample ? pick(sample, 'backend', inApi.backend) : [],
    outbound: [...(sample ? pick(sample, 'outbound', inApi.outbound) : []), ...accessLogTrace(spec, ctx.stage, 'outbound')],
    // The contract sets the status first, so the access-log trace records what the caller gets.
    onError: onErrorSection(spec, accessLogTrace(spec, ctx.stage, 'on-error')),
  });
  const schemas: Record<string, unknown> = {};
  const own = concernsOf(hoisted, false);
  const operations = spec.routes.map((r, i) => operation(spec, r, all[i]!, own, schemas));
  const backends = planBackends(spec, ctx);
  const products = planProducts(spec, ctx);
  const subscriptions = planSubscriptions(spec, ctx);
  checkSizes(spec, { apiPolicy, operations, products }, ctx);
  if (ctx.problems.length) throw new SynthesisError(ctx.target, dedupeProblems(ctx.problems));
  const st = spec.stages[ctx.stage];
  const o = spec.observability;
  const plan: Omit<ApimPlan, 'resources'> = {
    sku: ctx.sku,
    stage: ctx.stage,
    apiId: ctx.names.api,
    displayName: `${spec.name} (${ctx.stage})`,
    path: ctx.names.path,
    version: spec.version,
    description: spec.description,
    subscriptionRequired: ctx.subscriptionRequired,
    subscriptionKeyParameterNames: ctx.keyParameters,
    versionSet: options.versioning && { id: ctx.names.versionSet, displayName: `${spec.name} (${ctx.stage})`, scheme: options.versioning },
    apiPolicy,
    operations,
    schemas,
    backends,
    products,
    subscriptions,
    namedValues: planNamedValues(spec, ctx),
    // The access-log lines are information-level traces: a diagnostic at `error` would drop them.
    diagnostics: o.accessLogs || st.tracing ? { loggerId: ctx.names.logger, verbosity: st.logLevel === 'info' || o.accessLogs ? ('information' as const) : ('error' as const), sampling: 100, tracing: st.tracing } : undefined,
    ...(o.objectives.length ? { alerts: apimAlerts(spec, ctx.stage) } : {}),
    ...(o.dashboards ? { dashboard: apimDashboard(spec, ctx.stage, ctx.names.api) } : {}),
    ...hostnamesOf(spec, ctx),
    ...apimMcpServer(spec, { apiId: ctx.names.api, path: ctx.names.path, stage: ctx.stage }),
    warnings: specWarnings(spec, [...new Set(ctx.warnings)]),
  };
  return canonicalPlan(plan, planResources(plan, { applicationInsights: Boolean(options.applicationInsights), apiDefinition: options.apiDefinition }));
}
