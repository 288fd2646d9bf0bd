/**
 * compileApigee: GatewaySpec -> ApigeePlan, a proxy bundle (files under apiproxy/) plus products,
 * apps and target servers. Pure and deterministic. Literal text reaches messages only through
 * AssignVariable <Value> (never parsed as a message template), so braces in a spec cannot inject
 * variable references.
 */
import { assertSupported } from '../../lib/capabilities/support';
import { targetLabel, type ApigeeEnvironmentType } from '../../lib/capabilities/table';
import { dedupeProblems, SynthesisError, type SynthesisProblem } from '../../lib/model/errors';
import { formatPath } from '../../lib/model/path';
import { parseTemplate } from '../../lib/model/template';
import type { GatewaySpec, HttpBackendSpec, JwtAuthorizerSpec, RouteSpec } from '../../lib/model/types';
import { el, toXml, type XNode } from '../shared/xml';
import { flowOrder, regexLiteral, routeCondition } from './conditions';
import type { ApigeePlan, ApigeeProduct, ApigeeTargetServer } from './plan';
import * as P from './policies';
import { SCRIPT_NAME, SCRIPT_SOURCE } from './script';

export interface ApigeeCompileOptions {
  /** Environment type the proxy is deployed to. @default 'INTERMEDIATE' */
  readonly environmentType?: ApigeeEnvironmentType;
  /** Apigee environment of each stage. @default - the stage's own name */
  readonly environments?: Record<string, string>;
}

const OAS_RESOURCE = 'anygate.json';

interface Target {
  readonly name: string;
  readonly backend: string;
  readonly timeoutMs: number;
  readonly rewrite: boolean;
}

function urlParts(url: string): { host: string; port: number; ssl: boolean; path: string } {
  const u = new URL(url);
  const ssl = u.protocol === 'https:';
  return { host: u.hostname, port: u.port ? Number(u.port) : ssl ? 443 : 80, ssl, path: u.pathname.replace(/\/+$/, '') };
}

/** A quota period as Apigee counts it: it has no week, so a week is seven days. */
function quotaWindow(period: 'day' | 'week' | 'month'): { interval: number; timeUnit: 'day' | 'month' } {
  return period === 'week' ? { interval: 7, timeUnit: 'day' } : { interval: 1, timeUnit: period };
}

/** JSON payload delimiters that occur nowhere in the text, so no part of it reads as a variable. */
function delimiters(json: string): { prefix: string; suffix: string } | undefined {
  const candidates = ['@', '#', '^', '~', '`', '|', '%', '!', '$'];
  for (const p of candidates) for (const s of candidates) if (p !== s && !json.includes(p) && !json.includes(s)) return { prefix: p, suffix: s };
  return undefined;
}

export function compileApigee(spec: GatewaySpec, options: ApigeeCompileOptions = {}): ApigeePlan {
  const environmentType = options.environmentType ?? 'INTERMEDIATE';
  const tiers = { apigeeEnvironmentType: environmentType };
  const target = targetLabel('apigee', tiers);
  assertSupported(spec, 'apigee', { ...tiers, apigee: options });
  const problems: SynthesisProblem[] = [];
  const warnings: string[] = [];
  const proxy = spec.name;
  const policies = new Map<string, XNode>();
  const add = (p: XNode) => {
    policies.set(p.attrs!.name, p);
    return p.attrs!.name;
  };
  const step = (name: string, condition?: string) => el('Step', {}, el('Name', {}, name), condition !== undefined && el('Condition', {}, condition));
  const envOf = (stage: string) => options.environments?.[stage] ?? stage;

  for (const [name, a] of Object.entries(spec.authorizers)) {
    if (a.type === 'jwt' && !a.jwksUri) {
      problems.push({ target, where: 'gateway', feature: 'auth.jwt', message: `authorizer ${name}: VerifyJWT needs a JWKS URI (Apigee does not follow OpenID discovery); set jwksUri` });
    }
    if (a.type === 'jwt' && a.audiences.some((x) => x.includes(','))) problems.push({ target, where: 'gateway', feature: 'auth.jwt', message: `authorizer ${name}: VerifyJWT takes audiences as a comma-separated list, so an audience cannot contain a comma` });
    if (a.type === 'jwt' && new Set(a.algorithms.map((x) => (x.startsWith('ES') ? 'EC' : x === 'EdDSA' ? 'OKP' : 'RSA'))).size > 1) {
      problems.push({ target, where: 'gateway', feature: 'auth.jwt', message: `authorizer ${name}: VerifyJWT takes algorithms of one key type, but ${a.algorithms.join(', ')} mixes RSA, EC or EdDSA; use one key type per authorizer` });
    }
    if (a.type === 'jwt' && a.typ) problems.push({ target, where: 'gateway', feature: 'auth.jwt', message: `authorizer ${name}: VerifyJWT cannot check the typ header; remove typ or deploy on another target` });
  }

  // Targets: one per backend and timeout; a rewriting variant where routes rewrite the path.
  const targets = new Map<string, Target>();
  const timeouts = new Set<string>();
  for (const r of spec.routes) if (spec.backends[r.backend].type !== 'mock') timeouts.add(r.backend);
  // The timeout most of a backend's routes use keeps the plain target name.
  const usual = new Map<string, number>();
  for (const b of timeouts) {
    const counts = new Map<number, number>();
    for (const r of spec.routes) if (r.backend === b) counts.set(r.timeoutMs, (counts.get(r.timeoutMs) ?? 0) + 1);
    usual.set(b, [...counts.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0][0]);
  }
  const targetOf = (r: RouteSpec): Target => {
    const rewrite = Boolean(r.transform?.request?.rewritePath);
    const name = `${r.backend}${usual.get(r.backend) === r.timeoutMs ? '' : `-${r.timeoutMs}ms`}${rewrite ? '-rewrite' : ''}`;
    const t = targets.get(name) ?? { name, backend: r.backend, timeoutMs: r.timeoutMs, rewrite };
    targets.set(name, t);
    return t;
  };

  // Target servers: weighted backends, function bindings and backends that stages point elsewhere.
  const targetServers = new Map<string, ApigeeTargetServer>();
  const bindings = new Set<string>();
  const serversFor = (backend: string): { servers: { name: string; weight?: number }[]; path: string } | undefined => {
    const b = spec.backends[backend];
    const stages = Object.keys(spec.stages);
    if (b.type === 'function') {
      bindings.add(b.binding);
      const name = `${proxy}-${backend}`;
      targetServers.set(name, { name, byStage: Object.fromEntries(stages.map((s) => [s, { host: `binding:${b.binding}`, port: 443, ssl: true }])) });
      return { servers: [{ name }], path: '' };
    }
    if (b.type !== 'http') return undefined;
    const hb = b as HttpBackendSpec;
    if (hb.targets) {
      const parts = hb.targets.map((t) => urlParts(t.url));
      if (new Set(parts.map((p) => p.path)).size > 1) problems.push({ target, where: 'gateway', feature: 'backend.weighted', message: `backend ${backend}: weighted targets must share one base path on Apigee (a LoadBalancer has one <Path>)` });
      const servers = hb.targets.map((t, i) => {
        const name = `${proxy}-${backend}-${i + 1}`;
        const p = parts[i];
        targetServers.set(name, { name, byStage: Object.fromEntries(stages.map((s) => [s, { host: p.host, port: p.port, ssl: p.ssl }])) });
        return { name, weight: t.weight };
      });
      return { servers, path: parts[0].path };
    }
    // A circuit breaker lives on a LoadBalancer (MaxFailures), so it needs a target server too.
    if (!stages.some((s) => spec.stages[s].backends[backend]) && !hb.circuitBreaker) return undefined;
    const base = urlParts(hb.url!);
    const name = `${proxy}-${backend}`;
    const byStage: ApigeeTargetServer['byStage'] = {};
    for (const s of stages) {
      const p = urlParts(spec.stages[s].backends[backend]?.url ?? hb.url!);
      if (p.path !== base.path) problems.push({ target, where: 'gateway', feature: 'stage.backends', message: `stage ${s}: backend ${backend} URL path ${p.path || '/'} differs from ${base.path || '/'}; Apigee target servers carry only host and port, so keep one base path` });
      byStage[s] = { host: p.host, port: p.port, ssl: p.ssl };
    }
    targetServers.set(name, { name, byStage });
    return { servers: [{ name }], path: base.path };
  };

  const preflow: XNode[] = [];
  if (spec.ipRules && (spec.ipRules.allow.length || spec.ipRules.deny.length)) preflow.push(step(add(P.accessControl('AC-ip-rules', spec.ipRules.allow, spec.ipRules.deny))));
  if (spec.cors) preflow.push(step(add(P.cors('CORS-gateway', spec.cors))));
  for (const [stage, s] of Object.entries(spec.stages)) {
    const vars = Object.entries(s.variables);
    if (vars.length) preflow.push(step(add(P.assignLiterals(`AM-stage-${stage}`, vars.map(([k, v]) => [`anygate.stage.${k}`, v]))), `environment.name = "${envOf(stage)}"`));
    if (s.throttle) preflow.push(step(add(P.spikeArrest(`SA-stage-${stage}`, P.spikeRate(s.throttle.requestsPerSecond))), `environment.name = "${envOf(stage)}"`));
  }

  const plansWithQuota = Object.values(spec.plans).some((p) => p.quota);
  const plansWithRate = Object.values(spec.plans).some((p) => p.rateLimit);
  const oasPaths: Record<string, Record<string, unknown>> = {};
  const flows: XNode[] = [];

  for (const r of flowOrder(spec.routes)) {
    const req: XNode[] = [];
    const res: XNode[] = [];
    const jwtPolicy = (() => {
      if (r.auth === 'none') return undefined;
      const n = r.auth[0].find((x) => spec.authorizers[x].type === 'jwt');
      return n && `JWT-${n}`;
    })();

    // Auth, then the plan's limits for API-key callers.
    if (r.auth !== 'none') {
      for (const n of r.auth[0]) {
        const a = spec.authorizers[n];
        if (a.type === 'apiKey') {
          const vk = add(P.verifyApiKey(`VA-${n}`, a.in, a.name));
          req.push(step(vk));
          if (plansWithQuota) {
            const first = Object.values(spec.plans).find((p) => p.quota)!.quota!;
            req.push(step(add(P.quota(`Q-${n}`, vk, { limit: first.limit, ...quotaWindow(first.period) }))));
          }
          if (plansWithRate) req.push(step(add(P.spikeArrest(`SA-plan-${n}`, '10000ps', { ref: `verifyapikey.${vk}.apiproduct.anygate-rate`, perApp: true }))));
        } else if (a.type === 'jwt') {
          req.push(step(add(P.verifyJwt(`JWT-${n}`, { ...(a as JwtAuthorizerSpec), jwksUri: a.jwksUri ?? '' }))));
        } else {
          // The bound function decides: anything but 200 (or no answer) is 401.
          bindings.add(a.binding);
          const server = `${proxy}-authz-${a.binding}`;
          targetServers.set(server, { name: server, byStage: Object.fromEntries(Object.keys(spec.stages).map((s) => [s, { host: `binding:${a.binding}`, port: 443, ssl: true }])) });
          const sc = add(P.serviceCallout(`SC-${n}`, a.header, server));
          req.push(step(sc));
          req.push(step(add(P.raiseFault('RF-unauthorized', 401, 'Unauthorized', 'Unauthorized')), `anygate.authz.${sc}.response.status.code != 200 or anygate.authz.${sc}.response.status.code = null`));
        }
      }
      if (r.scopes.length && jwtPolicy) {
        const claim = (spec.authorizers[jwtPolicy.slice('JWT-'.length)] as JwtAuthorizerSpec).scopeClaim;
        const bad = r.scopes.filter((s) => /["\\]/.test(s));
        if (bad.length) problems.push({ target, where: r.id, feature: 'auth.scopes', message: `scope ${JSON.stringify(bad[0])} holds a quote or backslash, which an Apigee condition cannot carry` });
        // Whole-string JavaRegex: the scope, bounded by anything that cannot be part of a scope.
        const missing = r.scopes.map((s) => `NOT (jwt.${jwtPolicy}.decoded.claim.${claim} JavaRegex "(.*[^A-Za-z0-9:._/-])?${regexLiteral(s)}([^A-Za-z0-9:._/-].*)?")`);
        req.push(step(add(P.raiseFault('RF-forbidden', 403, 'Forbidden', 'Forbidden')), missing.join(' or ')));
      }
    }

    const v = r.validation;
    if (v) {
      const conds = [...(v.requiredQuery ?? []).map((q) => `request.queryparam.${q} = null`), ...(v.requiredHeaders ?? []).map((h) => `request.header.${h} = null`)];
      if (conds.length) req.push(step(add(P.raiseFault('RF-bad-request', 400, 'Bad Request', 'Bad Request: a required parameter is missing')), conds.map((c) => `(${c})`).join(' or ')));
      if (v.bodySchema) {
        req.push(step(add(P.jsonThreatProtection('JTP-json-body')), 'request.content != null'));
        if (r.method === 'ANY') warnings.push(`route ${r.id}: the body schema of an ANY route is not checked (OASValidation needs a method); JSON threat protection still runs`);
        else {
          req.push(step(add(P.oasValidation('OAS-request', OAS_RESOURCE))));
          (oasPaths[r.path] ??= {})[r.method.toLowerCase()] = { operationId: r.id, requestBody: { required: true, content: { 'application/json': { schema: v.bodySchema } } }, responses: { default: { description: 'any' } } };
        }
      }
    }
    if (r.rateLimit) req.push(step(add(P.spikeArrest(`SA-${r.id}`, P.spikeRate(r.rateLimit.requestsPerSecond)))));
    if (r.cache) req.push(step(add(P.responseCache(`RC-${r.id}`, r.id, r.cache.key.query, r.cache.key.headers, r.cache.ttlSeconds))));

    // Request transforms: path parameters first, then literals, then the templates that use them.
    const t = r.transform;
    const rq = t?.request;
    const templates = [...Object.values(rq?.setHeaders ?? {}), ...Object.values(rq?.setQuery ?? {})];
    const refs = templates.flatMap((x) => {
      const p = parseTemplate(x);
      return p.ok ? p.parts : [];
    });
    const needsPath = refs.some((p) => p.kind === 'ref' && p.source === 'path') || Boolean(rq?.rewritePath) || JSON.stringify(rq?.body ?? '').includes('${path.');
    if (needsPath) {
      const greedyIndex = r.segments.findIndex((s) => s.kind === 'param' && s.greedy);
      const plain = r.segments.map((s) => (s.kind === 'param' && s.greedy ? { ...s, greedy: false } : s));
      req.push(step(add(P.extractPath(`EV-path-${r.id}`, formatPath(plain.slice(0, greedyIndex === -1 ? undefined : greedyIndex))))));
      if (greedyIndex !== -1) {
        const g = r.segments[greedyIndex] as { name: string };
        req.push(step(add(P.javascript(`JS-greedy-${r.id}`, { mode: 'greedy', name: g.name, index: String(greedyIndex) }))));
      }
    }
    const bodyRefs = refs.filter((p): p is Extract<typeof p, { kind: 'ref' }> => p.kind === 'ref' && p.source === 'body');
    if (bodyRefs.length) req.push(step(add(P.extractBody(`EV-body-${r.id}`, bodyRefs.map((b, i) => [`b${i}`, b.name])))));
    const literals: [string, string][] = [];
    const varFor = (value: string): string => {
      const p = parseTemplate(value);
      const parts = p.ok ? p.parts : [{ kind: 'text' as const, text: value }];
      return parts
        .map((part) => {
          if (part.kind === 'text') {
            const n = `anygate.lit.${r.id}.${literals.length}`;
            literals.push([n, part.text]);
            return `{${n}}`;
          }
          switch (part.source) {
            case 'path':
              return `{anygate.path.${part.name}}`;
            case 'query':
              return `{request.queryparam.${part.name}}`;
            case 'header':
              return `{request.header.${part.name}}`;
            case 'claim':
              return jwtPolicy ? `{jwt.${jwtPolicy}.decoded.claim.${part.name}}` : '';
            case 'stage':
              return `{anygate.stage.${part.name}}`;
            case 'body':
              return `{anygate.body.b${bodyRefs.findIndex((b) => b.name === part.name)}}`;
          }
        })
        .join('');
    };
    if (rq && (rq.setHeaders || rq.setQuery || rq.removeHeaders || rq.removeQuery)) {
      const edits: P.MessageEdits = {
        removeHeaders: rq.removeHeaders,
        removeQuery: rq.removeQuery,
        setHeaders: Object.entries(rq.setHeaders ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([h, val]) => [h, varFor(val)]),
        setQuery: Object.entries(rq.setQuery ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([q, val]) => [q, varFor(val)]),
      };
      if (literals.length) req.push(step(add(P.assignLiterals(`AM-vars-${r.id}`, [...literals]))));
      req.push(step(add(P.assignMessage(`AM-req-${r.id}`, 'request', edits))));
    }
    if (rq?.body !== undefined) req.push(step(add(P.javascript(`JS-body-${r.id}`, { mode: 'body', template: JSON.stringify(rq.body), ...(jwtPolicy ? { jwt: jwtPolicy } : {}) }))));
    if (rq?.rewritePath) req.push(step(add(P.javascript(`JS-rewrite-${r.id}`, { mode: 'rewrite', template: rq.rewritePath.replace(/\{([^}]+?)\+\}/g, '{$1}') }))));

    const b = spec.backends[r.backend];
    if (b.type === 'mock') {
      req.push(step(add(P.assignLiterals('AM-target-mock', [['anygate.target', 'mock']]))));
      const headerLiterals = Object.keys(b.headers).sort().map((h, i) => [h, `anygate.mock.${r.id}.${i}`, b.headers[h]] as const);
      if (headerLiterals.length) res.push(step(add(P.assignLiterals(`AM-mockvars-${r.id}`, headerLiterals.map(([, n, val]) => [n, val])))));
      const json = b.body === undefined ? undefined : JSON.stringify(b.body);
      const d = json === undefined ? undefined : delimiters(json);
      if (json !== undefined && !d) problems.push({ target, where: r.id, feature: 'backend.mock', message: 'the mock body uses every character Apigee could delimit variables with; simplify it' });
      res.push(step(add(P.assignMessage(`AM-mock-${r.id}`, 'response', { statusCode: b.statusCode, setHeaders: headerLiterals.map(([h, n]) => [h, `{${n}}`]), ...(json !== undefined && d ? { payload: { json, ...d } } : {}) }, true))));
    } else {
      const tg = targetOf(r);
      req.push(step(add(P.assignLiterals(`AM-target-${tg.name}`, [['anygate.target', tg.name]]))));
    }

    const rs = t?.response;
    if (rs && (rs.setHeaders || rs.removeHeaders)) {
      const lits = Object.keys(rs.setHeaders ?? {}).sort().map((h, i) => [h, `anygate.res.${r.id}.${i}`, rs.setHeaders![h]] as const);
      if (lits.length) res.push(step(add(P.assignLiterals(`AM-resvars-${r.id}`, lits.map(([, n, val]) => [n, val])))));
      res.push(step(add(P.assignMessage(`AM-res-${r.id}`, 'response', { removeHeaders: rs.removeHeaders, setHeaders: lits.map(([h, n]) => [h, `{${n}}`]) }))));
    }
    if (rs?.redact?.length) res.push(step(add(P.javascript(`JS-redact-${r.id}`, { mode: 'redact', paths: JSON.stringify(rs.redact) }))));
    // Cache what the client receives (redacted, transformed), so a hit never skips a transform.
    if (r.cache) res.push(step(`RC-${r.id}`));

    flows.push(
      el(
        'Flow',
        { name: r.id },
        el('Description', {}, `${r.method} ${r.path}`),
        el('Request', {}, ...req),
        el('Response', {}, ...res),
        el('Condition', {}, routeCondition(r)),
      ),
    );
  }
  const preflight = 'request.verb = "OPTIONS" and request.header.origin != null and request.header.access-control-request-method != null';
  flows.push(el('Flow', { name: 'not-found' }, el('Description', {}, 'No route matches'), el('Request', {}, step(add(P.raiseFault('RF-not-found', 404, 'Not Found', 'Not Found')))), el('Response'), spec.cors ? el('Condition', {}, `NOT (${preflight})`) : undefined));
  add(P.assignMessage('AM-fault-json', 'response', { payload: { json: '{"error":"@fault.name#","status":"@response.status.code#"}', prefix: '@', suffix: '#' } }));

  const routeRules: XNode[] = [];
  if (spec.cors) routeRules.push(el('RouteRule', { name: 'cors-preflight' }, el('Condition', {}, preflight)));
  if (spec.routes.some((r) => spec.backends[r.backend].type === 'mock')) routeRules.push(el('RouteRule', { name: 'mock' }, el('Condition', {}, 'anygate.target = "mock"')));
  for (const tg of [...targets.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    routeRules.push(el('RouteRule', { name: tg.name }, el('Condition', {}, `anygate.target = "${tg.name}"`), el('TargetEndpoint', {}, tg.name)));
  }
  routeRules.push(el('RouteRule', { name: 'no-target' }));

  const files: Record<string, string> = {};
  files['proxies/default.xml'] = toXml(
    el(
      'ProxyEndpoint',
      { name: 'default' },
      el('Description', {}, `${proxy} ${spec.version}`),
      el('FaultRules'),
      el('DefaultFaultRule', { name: 'json-errors' }, step('AM-fault-json'), el('AlwaysEnforce', {}, 'true')),
      el('PreFlow', { name: 'PreFlow' }, el('Request', {}, ...preflow), el('Response')),
      el('Flows', {}, ...flows),
      el('PostFlow', { name: 'PostFlow' }, el('Request'), el('Response')),
      el('HTTPProxyConnection', {}, el('BasePath', {}, spec.basePath)),
      ...routeRules,
    ),
    { declaration: true },
  );

  for (const tg of targets.values()) {
    const b = spec.backends[tg.backend];
    const lb = serversFor(tg.backend);
    const preSteps: XNode[] = [];
    let connection: XNode[];
    const props = el('Properties', {}, el('Property', { name: 'io.timeout.millis' }, String(tg.timeoutMs)), el('Property', { name: 'connect.timeout.millis' }, String(Math.min(tg.timeoutMs, 10_000))));
    if (lb) {
      const hb = b.type === 'http' ? (b as HttpBackendSpec) : undefined;
      connection = [
        el(
          'LoadBalancer',
          {},
          el('Algorithm', {}, 'Weighted'),
          ...lb.servers.map((s) => el('Server', { name: s.name }, el('Weight', {}, String(s.weight ?? 1)))),
          hb?.circuitBreaker ? el('MaxFailures', {}, String(hb.circuitBreaker.failures)) : undefined,
          hb?.circuitBreaker ? el('RetryEnabled', {}, 'true') : undefined,
        ),
        el('Path', {}, tg.rewrite ? `${lb.path}{anygate.backend.path}` : lb.path || '/'),
        props,
      ];
      if (tg.rewrite) preSteps.push(step(add(P.javascript('JS-no-suffix', { mode: 'no-suffix' }))));
    } else {
      const hb = b as HttpBackendSpec;
      const https = hb.url!.startsWith('https:');
      connection = [
        el('URL', {}, hb.url!),
        https ? el('SSLInfo', {}, el('Enabled', {}, 'true'), el('Enforce', {}, 'true'), el('IgnoreValidationErrors', {}, 'false')) : undefined,
        props,
      ].filter((x): x is XNode => Boolean(x));
      if (tg.rewrite) preSteps.push(step(add(P.javascript('JS-apply-rewrite', { mode: 'apply-rewrite' }))));
    }
    files[`targets/${tg.name}.xml`] = toXml(
      el(
        'TargetEndpoint',
        { name: tg.name },
        el('Description', {}, `backend ${tg.backend}`),
        el('FaultRules'),
        el('PreFlow', { name: 'PreFlow' }, el('Request', {}, ...preSteps), el('Response')),
        el('Flows'),
        el('PostFlow', { name: 'PostFlow' }, el('Request'), el('Response')),
        el('HTTPTargetConnection', {}, ...connection),
      ),
      { declaration: true },
    );
  }

  for (const [name, p] of policies) files[`policies/${name}.xml`] = toXml(p, { declaration: true });
  const resources: string[] = [];
  if ([...policies.values()].some((p) => p.name === 'Javascript')) {
    files[`resources/jsc/${SCRIPT_NAME}`] = SCRIPT_SOURCE;
    resources.push(`jsc://${SCRIPT_NAME}`);
  }
  if (Object.keys(oasPaths).length) {
    files[`resources/oas/${OAS_RESOURCE}`] = JSON.stringify({ openapi: '3.0.3', info: { title: proxy, version: spec.version }, servers: [{ url: spec.basePath }], paths: oasPaths }, null, 2) + '\n';
    resources.push(`oas://${OAS_RESOURCE}`);
  }
  files[`${proxy}.xml`] = toXml(
    el(
      'APIProxy',
      { name: proxy },
      el('Basepaths', {}, spec.basePath),
      el('Description', {}, spec.description ?? `${proxy} (anygate)`),
      el('DisplayName', {}, proxy),
      el('Policies', {}, ...[...policies.keys()].sort().map((n) => el('Policy', {}, n))),
      el('ProxyEndpoints', {}, el('ProxyEndpoint', {}, 'default')),
      resources.length > 0 && el('Resources', {}, ...resources.sort().map((x) => el('Resource', {}, x))),
      el('TargetEndpoints', {}, ...[...targets.keys()].sort().map((n) => el('TargetEndpoint', {}, n))),
    ),
    { declaration: true },
  );

  const products: ApigeeProduct[] = Object.entries(spec.plans).map(([name, p]) => ({
    name: `${proxy}-${name}`,
    displayName: `${proxy} ${name}`,
    ...(p.description ? { description: p.description } : {}),
    ...(p.quota ? { quota: { limit: p.quota.limit, ...quotaWindow(p.quota.period) } } : {}),
    ...(p.rateLimit ? { rate: P.spikeRate(p.rateLimit.requestsPerSecond) } : {}),
  }));
  const apps = Object.entries(spec.consumers).map(([consumer, c]) => ({ consumer, product: `${proxy}-${c.plan}`, ...(c.description ? { description: c.description } : {}) }));
  for (const [name, c] of Object.entries(spec.consumers)) {
    if (c.apiKey) problems.push({ target, where: 'gateway', feature: 'consumer.apiKey', message: `consumer ${name}: Apigee generates app keys; importing a key value from ${c.apiKey.secretRef.split(':')[0]} is not supported here; omit apiKey` });
  }

  if (problems.length) throw new SynthesisError(target, dedupeProblems(problems));
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(files).sort()) sorted[k] = files[k];
  return {
    proxyName: proxy,
    basePath: spec.basePath,
    environmentType,
    files: sorted,
    products,
    apps,
    targetServers: [...targetServers.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    bindings: [...bindings].sort(),
    warnings,
  };
}
