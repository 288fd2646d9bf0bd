/**
 * The proxy endpoint and the bundle descriptor: gateway-wide PreFlow (IP rules, CORS, stage
 * variables and throttles), one conditional Flow per route behind a preflight flow that runs no
 * policy, a 404 flow, route rules, and JSON errors for faults the gateway raises itself.
 */
import { corsMethods } from '../../lib/model/cors';
import type { GatewaySpec } from '../../lib/model/types';
import { el, shared, toXml, type XNode } from '../shared/xml';
import { conditionString, environmentName, origin, PREFLIGHT, tokenName } from './conditions';
import { flowStep, type ApigeeContext } from './context';
import * as P from './policies';
import { defaultFaultRule } from './errors';
import { accessLogInit, accessLogTiming, postClientFlow } from './access-log';

/** The spec's CORS policy (`CORS-gateway`), shared by the proxy and its MCP Discovery Proxies. */
export function corsPolicy(spec: GatewaySpec): XNode {
  const c = spec.cors!;
  // AllowOrigins (and the header lists) are message templates: every value follows its grammar.
  const check = (list: string[], field: string, f: (v: string, where: string) => string) => list.map((v, i) => f(v, `cors.${field}[${i}]`));
  return P.cors('CORS-gateway', { ...c, allowMethods: corsMethods(c), allowOrigins: check(c.allowOrigins, 'allowOrigins', origin), allowHeaders: check(c.allowHeaders, 'allowHeaders', tokenName), exposeHeaders: check(c.exposeHeaders, 'exposeHeaders', tokenName) });
}

export function preflow(ctx: ApigeeContext): XNode[] {
  // The access log's literals and defaults first, so a request refused by any later step still logs them.
  const out: XNode[] = [...accessLogInit(ctx)];
  const spec = ctx.spec;
  if (spec.ipRules && (spec.ipRules.allow.length || spec.ipRules.deny.length)) out.push(ctx.step(ctx.add(P.accessControl('AC-ip-rules', spec.ipRules.allow, spec.ipRules.deny))));
  const cors = spec.cors && corsPolicy(spec);
  if (cors) out.push(ctx.step(ctx.add(cors)));
  for (const stage of ctx.stages) {
    const s = spec.stages[stage];
    const env = conditionString(environmentName(ctx.environments[stage], `environments.${stage}`), `environments.${stage}`);
    const vars = Object.entries(s.variables);
    if (vars.length) out.push(ctx.step(ctx.add(P.assignLiterals(`AM-stage-${stage}`, vars.map(([k, v]) => [`anygate.stage.${k}`, v]))), `environment.name = ${env}`));
    if (s.throttle) out.push(ctx.step(ctx.add(P.spikeArrest(`SA-stage-${stage}`, P.spikeRate(s.throttle.requestsPerSecond))), `environment.name = ${env}`));
  }
  return out;
}

function routeRules(ctx: ApigeeContext, targets: string[]): XNode[] {
  const rules: XNode[] = [];
  if (ctx.spec.cors) rules.push(el('RouteRule', { name: 'cors-preflight' }, el('Condition', {}, PREFLIGHT)));
  if (ctx.spec.routes.some((r) => ctx.spec.backends[r.backend].type === 'mock')) rules.push(el('RouteRule', { name: 'mock' }, el('Condition', {}, 'anygate.target = "mock"')));
  for (const t of targets) rules.push(el('RouteRule', { name: t }, el('Condition', {}, `anygate.target = "${t}"`), el('TargetEndpoint', {}, t)));
  rules.push(el('RouteRule', { name: 'no-target' }));
  return rules;
}

// The flows around the routes and the 404's policy depend on nothing in the spec: built once per
// process and shared, so toXml writes their text once (providers/shared/xml.ts).
// Apigee runs only the first matching flow: a preflight matches this one, which runs no auth,
// and the CORS policy in the PreFlow answers it.
const PREFLIGHT_FLOW = shared(el('Flow', { name: 'cors-preflight' }, el('Description', {}, 'CORS preflight: answered by the CORS policy, no route policy runs'), el('Request'), el('Response'), el('Condition', {}, PREFLIGHT)));
const NOT_FOUND_POLICY = shared(P.raiseFault('RF-not-found', 404, 'Not Found', 'Not Found'));
const NOT_FOUND_FLOW = shared(el('Flow', { name: 'not-found' }, el('Description', {}, 'No route matches'), el('Request', {}, flowStep('RF-not-found')), el('Response')));

/** proxies/default.xml, given the route flows in order and the target names. */
export function proxyEndpoint(ctx: ApigeeContext, pre: XNode[], routeFlows: XNode[], targets: string[]): string {
  const flows: XNode[] = [];
  if (ctx.spec.cors) flows.push(PREFLIGHT_FLOW);
  flows.push(...routeFlows);
  ctx.add(NOT_FOUND_POLICY);
  flows.push(NOT_FOUND_FLOW);
  return toXml(
    el(
      'ProxyEndpoint',
      { name: 'default' },
      el('Description', {}, `${ctx.proxy} ${ctx.spec.version}`),
      el('FaultRules'),
      // Only faults the proxy raises reach this: target responses of any status are successes (success.codes).
      defaultFaultRule(ctx),
      el('PreFlow', { name: 'PreFlow' }, el('Request', {}, ...pre), el('Response')),
      el('Flows', {}, ...flows),
      el('PostFlow', { name: 'PostFlow' }, el('Request'), el('Response', {}, ...accessLogTiming(ctx))),
      ...postClientFlow(ctx),
      el('HTTPProxyConnection', {}, el('BasePath', {}, ctx.spec.basePath)),
      ...routeRules(ctx, targets),
    ),
    { declaration: true },
  );
}

/** The bundle descriptor, `<proxy>.xml`. */
export function descriptor(ctx: ApigeeContext, resources: string[], targets: string[]): string {
  return toXml(
    el(
      'APIProxy',
      { name: ctx.proxy },
      el('Basepaths', {}, ctx.spec.basePath),
      el('Description', {}, ctx.spec.description ?? `${ctx.proxy} (anygate)`),
      el('DisplayName', {}, ctx.proxy),
      el('Policies', {}, ...[...ctx.policies.keys()].sort().map((n) => el('Policy', {}, n))),
      el('ProxyEndpoints', {}, el('ProxyEndpoint', {}, 'default')),
      resources.length > 0 && el('Resources', {}, ...[...resources].sort().map((x) => el('Resource', {}, x))),
      el('TargetEndpoints', {}, ...targets.map((n) => el('TargetEndpoint', {}, n))),
    ),
    { declaration: true },
  );
}
