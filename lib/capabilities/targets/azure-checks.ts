/**
 * Azure checks that the records in azure.ts attach to features: strings API Management would
 * evaluate (azure-strings.ts), option combinations, and what validate-jwt or subscriptions cannot
 * carry. The compiler calls assertSupported first, so these are the refusals synth gives.
 */
import type { SynthesisProblem } from '../../model/errors';
import type { ApiKeyAuthorizerSpec, JwtAuthorizerSpec, RouteSpec } from '../../model/types';
import type { CheckContext } from '../types';
import { APIM_STRINGS, type ApimStringKind } from './azure-strings';
import { usedRoutes } from './helpers';
import { unknownStageMessage } from '../../model/stages';

type Check = (ctx: CheckContext) => SynthesisProblem[];

/** Problems for every (kind, value, where, field) that breaks its grammar. */
export function strings(ctx: CheckContext, items: [ApimStringKind, string, string, string][]): SynthesisProblem[] {
  return items.flatMap(([kind, value, where, field]) => {
    const m = APIM_STRINGS[kind](value, field);
    return m ? [ctx.problem(where, m)] : [];
  });
}

/** The authorizers of a type that the feature's routes use, by name. */
function authorizersUsed<T>(ctx: CheckContext, type: string): [string, T][] {
  const names = new Set(usedRoutes(ctx).flatMap((r) => (r.auth === 'none' ? [] : r.auth.flat())));
  return [...names].sort().flatMap((n) => (ctx.spec.authorizers[n]?.type === type ? [[n, ctx.spec.authorizers[n] as T]] : []));
}

export const jwtChecks: Check = (ctx) =>
  authorizersUsed<JwtAuthorizerSpec>(ctx, 'jwt').flatMap(([n, a]) => {
    const w = `authorizer ${n}`;
    return [
      ...(a.typ ? [ctx.problem('gateway', `${w}: validate-jwt cannot check the typ header; remove typ or deploy on another target`)] : []),
      ...strings(ctx, [
        ['header', a.header, 'gateway', `${w}: header`],
        ['claim', a.scopeClaim, 'gateway', `${w}: scopeClaim`],
        ['literal', a.issuer, 'gateway', `${w}: issuer`],
        ...a.audiences.map((x): [ApimStringKind, string, string, string] => ['literal', x, 'gateway', `${w}: audience`]),
        ...Object.entries(a.requiredClaims).flatMap(([k, v]): [ApimStringKind, string, string, string][] => [
          ['claim', k, 'gateway', `${w}: required claim`],
          ['literal', v, 'gateway', `${w}: required claim ${k}`],
        ]),
      ]),
    ];
  });

export const customAuthChecks: Check = (ctx) =>
  authorizersUsed<{ header: string; binding: string }>(ctx, 'custom').flatMap(([n, a]) =>
    strings(ctx, [
      ['header', a.header, 'gateway', `authorizer ${n}: header`],
      ['plainName', a.binding, 'gateway', `authorizer ${n}: binding`],
    ]),
  );

/**
 * One key header and one key query parameter per API (subscriptionKeyParameterNames holds one of
 * each), and names APIM can carry. Header names compare without case, as HTTP's do.
 */
export const apiKeyChecks: Check = (ctx) => {
  const keys = authorizersUsed<ApiKeyAuthorizerSpec>({ ...ctx, uses: ctx.spec.routes.map((r) => r.id) }, 'apiKey');
  const places = (where: 'header' | 'query') => [...new Map(keys.filter(([, a]) => a.in === where).map(([, a]) => [where === 'header' ? a.name.toLowerCase() : a.name, a.name])).values()];
  const out = (['header', 'query'] as const).flatMap((where) => {
    const names = places(where);
    return names.length > 1 ? [ctx.problem('gateway', `API Management reads the subscription key from one header and one query parameter per API, but the routes use the ${where} ${where === 'header' ? 'names' : 'parameters'} ${names.join(', ')}; read every ${where} key from one ${where === 'header' ? 'header' : 'parameter'}`)] : [];
  });
  return [...out, ...strings(ctx, keys.map(([n, a]): [ApimStringKind, string, string, string] => [a.in === 'header' ? 'header' : 'plainName', a.name, 'gateway', `authorizer ${n}: name`]))];
};

export const corsChecks: Check = (ctx) => {
  const c = ctx.spec.cors;
  if (!c) return [];
  return strings(ctx, [
    ...c.allowOrigins.map((o): [ApimStringKind, string, string, string] => ['origin', o, 'gateway', 'origin']),
    ...c.allowHeaders.map((h): [ApimStringKind, string, string, string] => ['header', h, 'gateway', 'cors.allowHeaders']),
    ...c.exposeHeaders.map((h): [ApimStringKind, string, string, string] => ['header', h, 'gateway', 'cors.exposeHeaders']),
  ]);
};

/**
 * A retry on no answer alone does nothing on API Management: a try that times out or is refused
 * jumps to on-error (forward-request has no ignore-error), so the retry condition never sees it.
 */
export const retryChecks: Check = (ctx) =>
  usedRoutes(ctx).flatMap((r) =>
    r.retry && !r.retry.on.some((c) => c !== 'connect-failure')
      ? [ctx.problem(r.id, 'retry.on lists only connect-failure: API Management does not retry a try with no answer (it goes to on-error); list the statuses to retry (503...), or remove retry')]
      : [],
  );

export const mockChecks: Check = (ctx) =>
  strings(
    ctx,
    usedRoutes(ctx).flatMap((r) => {
      const b = ctx.spec.backends[r.backend];
      return b.type === 'mock' ? Object.keys(b.headers).map((h): [ApimStringKind, string, string, string] => ['header', h, r.id, `backend ${r.backend}: header`]) : [];
    }),
  );

export const functionChecks: Check = (ctx) =>
  strings(
    ctx,
    [...new Set(usedRoutes(ctx).map((r) => r.backend))].sort().flatMap((name) => {
      const b = ctx.spec.backends[name];
      return b.type === 'function' ? [['plainName', b.binding, 'gateway', `backend ${name}: binding`] as [ApimStringKind, string, string, string]] : [];
    }),
  );

const headerNames = (r: RouteSpec, dir: 'request' | 'response') => {
  const t = r.transform?.[dir];
  return [...(t?.removeHeaders ?? []), ...Object.keys(t?.setHeaders ?? {})];
};

export const requestHeaderChecks: Check = (ctx) => strings(ctx, usedRoutes(ctx).flatMap((r) => headerNames(r, 'request').map((h): [ApimStringKind, string, string, string] => ['header', h, r.id, 'header'])));
export const responseHeaderChecks: Check = (ctx) => strings(ctx, usedRoutes(ctx).flatMap((r) => headerNames(r, 'response').map((h): [ApimStringKind, string, string, string] => ['header', h, r.id, 'header'])));
export const queryChecks: Check = (ctx) =>
  strings(ctx, usedRoutes(ctx).flatMap((r) => [...(r.transform?.request?.removeQuery ?? []), ...Object.keys(r.transform?.request?.setQuery ?? {})].map((q): [ApimStringKind, string, string, string] => ['plainName', q, r.id, 'query parameter'])));
export const pathChecks: Check = (ctx) =>
  strings(ctx, usedRoutes(ctx).flatMap((r) => (r.transform?.request?.rewritePath ? [['uriTemplate', r.transform.request.rewritePath.replace(/\{([^}]+?)\+\}/g, '{$1}'), r.id, 'rewritePath'] as [ApimStringKind, string, string, string]] : [])));

export const cacheChecks: Check = (ctx) =>
  strings(
    ctx,
    usedRoutes(ctx).flatMap((r) => [
      ...(r.cache?.key.headers ?? []).map((h): [ApimStringKind, string, string, string] => ['header', h, r.id, 'cache key header']),
      ...(r.cache?.key.query ?? []).map((q): [ApimStringKind, string, string, string] => ['plainName', q, r.id, 'cache key query parameter']),
    ]),
  );

/** Consumption has no internal cache: an external one must be configured on the service. */
export const consumptionCacheChecks: Check = (ctx) => [
  ...(ctx.options.azure?.externalCache ? [] : usedRoutes(ctx).map((r) => ctx.problem(r.id, 'Consumption has no internal cache: configure an external Redis cache on the service and pass externalCache: true, or drop the cache'))),
  ...cacheChecks(ctx),
];

export const consumerKeyChecks: Check = (ctx) =>
  Object.entries(ctx.spec.consumers).flatMap(([name, c]) =>
    c.apiKey && !c.apiKey.secretRef.startsWith('env:')
      ? [ctx.problem('gateway', `consumer ${name}: a subscription key can be set only from env:NAME at deploy time (API Management cannot read it from ${c.apiKey.secretRef.split(':')[0]}); or omit apiKey and let API Management generate it`)]
      : [],
  );

/** The component deploys one stage, which must be in the spec. */
export const stageChecks: Check = (ctx) => {
  const stage = ctx.options.azure?.stage;
  const names = Object.keys(ctx.spec.stages);
  return stage !== undefined && !ctx.spec.stages[stage] ? [ctx.problem('gateway', unknownStageMessage(stage, names))] : [];
};

/** The stage exists (the `azure:` block is typed and checked by the model's schema). */
export const stageAndOptionChecks: Check = stageChecks;

/**
 * `apiDefinition: 'openapi'` imports the operations from one OpenAPI value, which has no `*`
 * method and no wildcard template: ANY routes and greedy parameters need `operations`.
 */
export const openApiDefinitionChecks: Check = (ctx) => {
  if ((ctx.options.azure?.apiDefinition ?? ctx.spec.azure?.apiDefinition) !== 'openapi') return [];
  const what = ctx.feature === 'route.any' ? 'an ANY route (OpenAPI has no * method)' : 'a greedy path parameter (an OpenAPI path template matches one segment)';
  return usedRoutes(ctx).map((r) => ctx.problem(r.id, `apiDefinition 'openapi' cannot carry ${what}; use apiDefinition 'operations'`));
};
