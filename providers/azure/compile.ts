/**
 * compileAzure: GatewaySpec -> ApimPlan for one stage. Pure and deterministic. Gateway-wide
 * policy (IP filter, CORS, stage throttle) and every route fragment shared by all routes go in the
 * API policy; an operation gets a policy only when it needs more than that.
 */
import { AZURE_LIMITS } from '../../lib/capabilities/limits';
import { assertSupported } from '../../lib/capabilities/support';
import { targetLabel, type AzureSku } from '../../lib/capabilities/table';
import { dedupeProblems, SynthesisError, type SynthesisProblem } from '../../lib/model/errors';
import { canonical } from '../../lib/model/normalize';
import type { ApiKeyAuthorizerSpec, GatewaySpec, HttpBackendSpec, RouteSpec } from '../../lib/model/types';
import type { ApimBackend, ApimOperation, ApimPlan } from './plan';
import {
  cacheLookup,
  cacheStore,
  corsPolicy,
  customAuthorizer,
  customAuthorizerCheck,
  ipFilter,
  mockResponse,
  planRateLimit,
  quotaPolicy,
  rateWindow,
  requestTransforms,
  requireSubscription,
  responseTransforms,
  routeRateLimit,
  validateJwt,
  validation,
} from './policies';
import { el, policyDocument, type XNode } from './xml';

export interface AzureCompileOptions {
  /** API Management SKU the gateway runs on. @default 'Developer' */
  readonly sku?: AzureSku;
  /** The stage this component deploys. @default 'prod' when the spec has it, else the first stage */
  readonly stage?: string;
  /** The service has an external (Redis) cache configured; required for caching on Consumption. @default false */
  readonly externalCache?: boolean;
  /** Put the API in a version set with this scheme. @default - no version set */
  readonly versioning?: 'Segment' | 'Header' | 'Query';
}

const INBOUND = ['auth', 'validation', 'rateLimit', 'cacheLookup', 'transform', 'backend'] as const;
const OUTBOUND = ['responseTransform', 'cacheStore'] as const;
type Category = (typeof INBOUND)[number] | (typeof OUTBOUND)[number];

/** Named value holding the URL of a function binding. */
export function functionNamedValue(binding: string): string {
  return `anygate-fn-${binding}`;
}

function urlTemplate(route: RouteSpec): string {
  if (route.segments.length === 0) return '/';
  return route.segments.map((s) => '/' + (s.kind === 'literal' ? s.value : s.greedy ? `{*${s.name}}` : `${s.prefix}{${s.name}}${s.suffix}`)).join('');
}

export function compileAzure(spec: GatewaySpec, options: AzureCompileOptions = {}): ApimPlan {
  const sku = options.sku ?? 'Developer';
  const tiers = { azureSku: sku };
  const target = targetLabel('azure', tiers);
  assertSupported(spec, 'azure', { ...tiers, azure: options });
  const problems: SynthesisProblem[] = [];
  const warnings: string[] = [];
  const stageNames = Object.keys(spec.stages);
  const stage = options.stage ?? (spec.stages.prod ? 'prod' : stageNames[0]);
  const st = spec.stages[stage];
  if (!st) {
    throw new SynthesisError(target, [{ target, where: 'gateway', feature: 'stage', message: `stage ${JSON.stringify(stage)} is not in the spec; stages: ${stageNames.join(', ')}` }]);
  }
  const stageVars = st.variables;
  const consumption = sku === 'Consumption';

  // API keys become subscriptions; one parameter name per API.
  const keyAuthorizers = new Map<string, ApiKeyAuthorizerSpec>();
  for (const r of spec.routes) {
    if (r.auth === 'none') continue;
    for (const n of r.auth.flat()) {
      const a = spec.authorizers[n];
      if (a.type === 'apiKey') keyAuthorizers.set(n, a);
    }
  }
  const keyParams = new Set([...keyAuthorizers.values()].map((a) => `${a.in}:${a.name}`));
  if (keyParams.size > 1) {
    problems.push({ target, where: 'gateway', feature: 'auth.apiKey', message: `API Management reads the subscription key from one header and one query parameter per API, but the routes use ${[...keyParams].join(', ')}; use one apiKey authorizer` });
  }
  const keyAuth = [...keyAuthorizers.values()][0];
  const usesKey = (r: RouteSpec) => r.auth !== 'none' && r.auth.some((alt) => alt.some((n) => spec.authorizers[n].type === 'apiKey'));
  const subscriptionRequired = spec.routes.length > 0 && spec.routes.every(usesKey);

  // Text APIM would read as a named value ({{x}}) or an expression (@...) where only literals go.
  const literalOnly = (text: string, where: string, what: string) => {
    if (text.startsWith('@') || text.includes('{{') || text.includes('}}')) {
      problems.push({ target, where, feature: 'auth.jwt', message: `${what} ${JSON.stringify(text)} would be read by API Management as a named value or policy expression; remove "{{", "}}" or the leading "@"` });
    }
  };
  for (const r of spec.routes) for (const sc of r.scopes) literalOnly(sc, r.id, 'scope');
  for (const [name, a] of Object.entries(spec.authorizers)) {
    if (a.type !== 'jwt') continue;
    for (const x of [a.issuer, ...a.audiences, ...Object.values(a.requiredClaims)]) literalOnly(x, 'gateway', `authorizer ${name}: value`);
    if (a.typ) problems.push({ target, where: 'gateway', feature: 'auth.jwt', message: `authorizer ${name}: validate-jwt cannot check the typ header; remove typ or deploy on another target` });
    if (a.jwksUri) warnings.push(`authorizer ${name}: validate-jwt reads signing keys through OpenID discovery (${a.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration); the issuer must publish it, and jwksUri is not used`);
  }

  const fragments = new Map<string, Record<Category, XNode[]>>();
  const namedValues = new Map<string, string>();
  for (const [k, v] of Object.entries(stageVars)) namedValues.set(`${spec.name}-${k.replace(/_/g, '-')}`.toLowerCase(), v);

  for (const r of spec.routes) {
    const f: Record<Category, XNode[]> = { auth: [], validation: [], rateLimit: [], cacheLookup: [], transform: [], backend: [], responseTransform: [], cacheStore: [] };
    if (r.auth !== 'none') {
      const alt = r.auth[0];
      if (!subscriptionRequired && alt.some((n) => spec.authorizers[n].type === 'apiKey')) f.auth.push(requireSubscription());
      for (const n of alt) {
        const a = spec.authorizers[n];
        if (a.type === 'jwt') f.auth.push(validateJwt(a, r.scopes));
        if (a.type === 'custom') {
          const nv = functionNamedValue(a.binding);
          namedValues.set(nv, `binding:${a.binding}`);
          f.auth.push(customAuthorizer(a.header, nv), customAuthorizerCheck());
        }
      }
    }
    f.validation.push(...validation(r));
    if (r.rateLimit) f.rateLimit.push(routeRateLimit(r.rateLimit, `route-${r.id}`));
    if (r.cache) {
      if (consumption && !options.externalCache) {
        problems.push({ target, where: r.id, feature: 'route.cache', message: 'Consumption has no internal cache: configure an external Redis cache on the service and pass externalCache: true, or drop the cache' });
      }
      f.cacheLookup.push(cacheLookup(r, Boolean(options.externalCache)));
      f.cacheStore.push(cacheStore(r));
    }
    f.transform.push(...requestTransforms(r, stageVars));
    const b = spec.backends[r.backend];
    f.backend.push(b.type === 'mock' ? mockResponse(spec, r) : el('set-backend-service', { 'backend-id': r.backend }));
    f.responseTransform.push(...responseTransforms(r));
    fragments.set(r.id, f);
  }

  // Hoist, in order, every leading category that is identical on all routes.
  const hoisted = new Set<Category>();
  const all = [...fragments.values()];
  for (const section of [INBOUND, OUTBOUND]) {
    for (const c of section) {
      const first = JSON.stringify(all[0]?.[c] ?? []);
      if (all.every((f) => JSON.stringify(f[c]) === first)) hoisted.add(c);
      else break;
    }
  }
  const pick = (f: Record<Category, XNode[]>, cats: readonly Category[], wantHoisted: boolean) => cats.filter((c) => hoisted.has(c) === wantHoisted).flatMap((c) => f[c]);

  const gatewayInbound: XNode[] = [];
  if (spec.ipRules?.allow.length) gatewayInbound.push(ipFilter('allow', spec.ipRules.allow));
  if (spec.ipRules?.deny.length) gatewayInbound.push(ipFilter('forbid', spec.ipRules.deny));
  if (spec.cors) gatewayInbound.push(corsPolicy(spec.cors));
  if (st.throttle) {
    const w = rateWindow(st.throttle);
    gatewayInbound.push(el('rate-limit-by-key', { calls: w.calls, 'renewal-period': w.period, 'counter-key': `stage-${stage}` }));
  }
  const sample = all[0];
  const apiPolicy = policyDocument({
    inbound: [...gatewayInbound, ...(sample ? pick(sample, INBOUND, true) : [])],
    outbound: sample ? pick(sample, OUTBOUND, true) : [],
  });

  const schemas: Record<string, unknown> = {};
  const operations: ApimOperation[] = spec.routes.map((r) => {
    const f = fragments.get(r.id)!;
    const inbound = pick(f, INBOUND, false);
    const outbound = pick(f, OUTBOUND, false);
    const cacheKeyQuery = r.cache?.key.query ?? [];
    const cacheKeyHeaders = r.cache?.key.headers ?? [];
    let bodySchema: string | undefined;
    if (r.validation?.bodySchema) {
      bodySchema = `${r.id}Body`;
      schemas[bodySchema] = r.validation.bodySchema;
    }
    const req = new Set(r.validation?.requiredQuery ?? []);
    const reqH = new Set(r.validation?.requiredHeaders ?? []);
    return {
      id: r.id,
      displayName: r.description ? r.description.slice(0, 300) : `${r.method} ${r.path}`,
      method: r.method === 'ANY' ? '*' : r.method,
      urlTemplate: urlTemplate(r),
      templateParameters: r.segments.flatMap((s) => (s.kind === 'param' ? [{ name: s.name, type: 'string' as const, required: true as const }] : [])),
      queryParameters: [...new Set([...req, ...cacheKeyQuery])].sort().map((name) => ({ name, type: 'string' as const, required: req.has(name) })),
      headers: [...new Set([...reqH, ...cacheKeyHeaders])].sort().map((name) => ({ name, type: 'string' as const, required: reqH.has(name) })),
      ...(r.description ? { description: r.description } : {}),
      ...(bodySchema ? { bodySchema } : {}),
      ...(inbound.length || outbound.length ? { policy: policyDocument({ inbound, outbound }) } : {}),
    };
  });

  const backends: ApimBackend[] = [];
  const used = new Set(spec.routes.map((r) => r.backend));
  for (const name of [...used].sort()) {
    const b = spec.backends[name];
    if (b.type === 'mock') continue;
    if (b.type === 'function') {
      backends.push({ id: name, type: 'Single', url: `binding:${b.binding}` });
      continue;
    }
    const hb = b as HttpBackendSpec;
    const cb = hb.circuitBreaker && { failures: hb.circuitBreaker.failures, intervalSeconds: hb.circuitBreaker.intervalSeconds, tripSeconds: hb.circuitBreaker.tripSeconds };
    const override = st.backends[name]?.url;
    if (hb.targets && !override) {
      hb.targets.forEach((t, i) => backends.push({ id: `${name}-${i + 1}`, type: 'Single', url: t.url, ...(cb ? { circuitBreaker: cb } : {}) }));
      backends.push({ id: name, type: 'Pool', pool: hb.targets.map((t, i) => ({ id: `${name}-${i + 1}`, weight: t.weight })) });
    } else backends.push({ id: name, type: 'Single', url: override ?? hb.url!, ...(cb ? { circuitBreaker: cb } : {}) });
  }

  const products = Object.entries(spec.plans).map(([name, p]) => {
    const inbound = [p.rateLimit && planRateLimit(p.rateLimit), p.quota && quotaPolicy(p.quota)].filter((x): x is XNode => Boolean(x));
    return {
      id: `${spec.name}-${name}`,
      displayName: `${spec.name} ${name}`,
      ...(p.description ? { description: p.description } : {}),
      ...(inbound.length ? { policy: policyDocument({ inbound, outbound: [] }) } : {}),
    };
  });
  const subscriptions = Object.entries(spec.consumers).map(([name, c]) => {
    if (c.apiKey && !c.apiKey.secretRef.startsWith('env:')) {
      problems.push({ target, where: 'gateway', feature: 'consumer.apiKey', message: `consumer ${name}: a subscription key can be set only from env:NAME at deploy time (API Management cannot read it from ${c.apiKey.secretRef.split(':')[0]}); or omit apiKey and let API Management generate it` });
    }
    return { id: `${spec.name}-${name}`, product: `${spec.name}-${c.plan}`, displayName: c.description ?? name, ...(c.apiKey ? { secretRef: c.apiKey.secretRef } : {}) };
  });

  const limit = consumption ? AZURE_LIMITS.consumptionPolicyBytes : AZURE_LIMITS.policyBytes;
  const check = (where: string, xml: string | undefined) => {
    const bytes = xml ? Buffer.byteLength(xml) : 0;
    if (bytes > limit) problems.push({ target, where, feature: 'policy.size', message: `the policy document is ${bytes} bytes, over the ${limit}-byte limit of ${sku}; move shared parts to fewer routes or use another SKU` });
  };
  check('gateway', apiPolicy);
  for (const o of operations) check(o.id, o.policy);
  for (const p of products) check('gateway', p.policy);

  if (problems.length) throw new SynthesisError(target, dedupeProblems(problems));
  const o = spec.observability;
  return canonical({
    sku,
    stage,
    apiId: spec.name,
    displayName: spec.name,
    path: spec.basePath === '/' ? '' : spec.basePath.slice(1),
    version: spec.version,
    description: spec.description,
    subscriptionRequired,
    subscriptionKeyParameterNames: keyAuth
      ? { header: keyAuth.in === 'header' ? keyAuth.name : 'Ocp-Apim-Subscription-Key', query: keyAuth.in === 'query' ? keyAuth.name : 'subscription-key' }
      : undefined,
    versionSet: options.versioning && { id: `${spec.name}-versions`, displayName: spec.name, scheme: options.versioning },
    apiPolicy,
    operations,
    schemas,
    backends,
    products,
    subscriptions,
    namedValues: [...namedValues.keys()].sort().map((id) => ({ id, value: namedValues.get(id)!, secret: false as const })),
    diagnostics: o.accessLogs || st.tracing ? { verbosity: st.logLevel === 'info' ? ('information' as const) : ('error' as const), sampling: 100, tracing: st.tracing } : undefined,
    warnings,
  });
}
