/**
 * Apigee checks on the names routes and the gateway hand to policies: transforms, validation,
 * mock headers, cache keys, CORS, environments and target URLs (grammars in apigee-strings.ts).
 * The records in apigee.ts attach them; the emitters only format what they let through.
 */
import type { SynthesisProblem } from '../../model/errors';
import { parseTemplate } from '../../model/template';
import type { HttpBackendSpec, RouteSpec } from '../../model/types';
import type { CheckContext } from '../types';
import { alternativeAuthorizers } from '../../runtime/alternatives';
import { strings, type StringItem } from './apigee-checks';
import type { ApigeeStringKind } from './apigee-strings';
import { usedRoutes } from './helpers';
import { unknownStageMessage } from '../../model/stages';

type Check = (ctx: CheckContext) => SynthesisProblem[];

const REF_KINDS: Record<string, ApigeeStringKind | undefined> = { path: 'pathVariable', query: 'queryVariable', header: 'headerVariable', claim: 'claimVariable', stage: 'stageVariable', body: undefined };

/** `${source.name}` references of a set value become flow-variable names in a message template. */
function templateRefs(value: string, where: string, field: string): StringItem[] {
  const p = parseTemplate(value);
  if (!p.ok) return [];
  return p.parts.flatMap((part): StringItem[] => {
    const kind = part.kind === 'ref' ? REF_KINDS[part.source] : undefined;
    return part.kind === 'ref' && kind ? [[kind, part.name, where, field]] : [];
  });
}

/** Names set or removed by AssignMessage, and the variables the set values read. */
function editItems(r: RouteSpec, kind: 'headerName' | 'queryName', side: 'request' | 'response', set?: Record<string, string>, remove?: string[]): StringItem[] {
  const at = `routes[id=${r.id}].transform.${side}`;
  const field = kind === 'headerName' ? 'Headers' : 'Query';
  const sorted = Object.keys(set ?? {}).sort();
  return [
    ...(remove ?? []).map((x, i): StringItem => [kind, x, r.id, `${at}.remove${field}[${i}]`]),
    ...sorted.map((x): StringItem => [kind, x, r.id, `${at}.set${field}`]),
    // Response header values are literals (assigned to variables); request values are templates.
    ...(side === 'request' ? sorted.flatMap((x) => templateRefs(set![x], r.id, `${at}.set${field}.${x}`)) : []),
  ];
}

export const requestHeaderChecks: Check = (ctx) => strings(ctx, usedRoutes(ctx).flatMap((r) => editItems(r, 'headerName', 'request', r.transform?.request?.setHeaders, r.transform?.request?.removeHeaders)));
export const requestQueryChecks: Check = (ctx) => strings(ctx, usedRoutes(ctx).flatMap((r) => editItems(r, 'queryName', 'request', r.transform?.request?.setQuery, r.transform?.request?.removeQuery)));
export const responseHeaderChecks: Check = (ctx) => strings(ctx, usedRoutes(ctx).flatMap((r) => editItems(r, 'headerName', 'response', r.transform?.response?.setHeaders, r.transform?.response?.removeHeaders)));

/** Required parameters are tested by name in a condition. */
export const validationChecks: Check = (ctx) =>
  strings(
    ctx,
    usedRoutes(ctx).flatMap((r) => [
      ...(r.validation?.requiredQuery ?? []).map((q, i): StringItem => ['queryVariable', q, r.id, `routes[id=${r.id}].validation.requiredQuery[${i}]`]),
      ...(r.validation?.requiredHeaders ?? []).map((h, i): StringItem => ['headerVariable', h, r.id, `routes[id=${r.id}].validation.requiredHeaders[${i}]`]),
    ]),
  );

/** Mock response headers are named in AssignMessage. */
export const mockHeaderChecks: Check = (ctx) =>
  strings(
    ctx,
    usedRoutes(ctx).flatMap((r) => {
      const b = ctx.spec.backends[r.backend];
      return b.type === 'mock' ? Object.keys(b.headers).sort().map((h): StringItem => ['headerName', h, r.id, `backends.${r.backend}.headers`]) : [];
    }),
  );

/** Cache keys are KeyFragment refs: the listed query parameters and headers, and the caller's token headers. */
export const cacheChecks: Check = (ctx) =>
  strings(
    ctx,
    usedRoutes(ctx).flatMap((r) => {
      const c = r.cache!;
      const at = `routes[id=${r.id}]`;
      const callers = r.auth === 'none' || c.shared ? [] : r.auth.length > 1 ? alternativeAuthorizers(r.auth) : r.auth[0];
      return [
        ...c.key.query.map((q, i): StringItem => ['queryName', q, r.id, `${at}.cache.key.query[${i}]`]),
        ...c.key.headers.map((h, i): StringItem => ['headerName', h, r.id, `${at}.cache.key.headers[${i}]`]),
        ...callers.flatMap((n): StringItem[] => {
          const a = ctx.spec.authorizers[n];
          return a.type === 'apiKey' ? [] : [['headerName', a.header, r.id, `authorizers.${n}.header`]];
        }),
      ];
    }),
  );

/** CORS values are message templates: origins and header names follow their grammars. */
export const corsChecks: Check = (ctx) => {
  const c = ctx.spec.cors;
  if (!c) return [];
  return strings(ctx, [
    ...c.allowOrigins.map((o, i): StringItem => ['origin', o, 'gateway', `cors.allowOrigins[${i}]`]),
    ...c.allowHeaders.map((h, i): StringItem => ['token', h, 'gateway', `cors.allowHeaders[${i}]`]),
    ...c.exposeHeaders.map((h, i): StringItem => ['token', h, 'gateway', `cors.exposeHeaders[${i}]`]),
  ]);
};

/** The environments deployed, by stage: the option, or every stage to an environment of its name. */
export const deployedEnvironments = (ctx: CheckContext): Record<string, string> => ctx.options.apigee?.environments ?? Object.fromEntries(Object.keys(ctx.spec.stages).map((s) => [s, s]));

/** Every deployed stage is in the spec, and its environment name is an Apigee name (it is compared in conditions). */
export const stageChecks: Check = (ctx) => {
  const environments = deployedEnvironments(ctx);
  const stages = Object.keys(ctx.spec.stages);
  const unknown = Object.keys(environments).filter((s) => !ctx.spec.stages[s]);
  return [
    ...unknown.map((s) => ctx.problem('gateway', `environments.${s}: ${unknownStageMessage(s, stages)}`)),
    ...strings(
      ctx,
      Object.keys(environments)
        .filter((s) => ctx.spec.stages[s])
        .sort()
        .map((s): StringItem => ['environment', environments[s], 'gateway', `environments.${s}`]),
    ),
  ];
};

/** A backend reached by its URL (no target server: no stage host, no circuit breaker) has it in <URL>. */
export const targetUrlChecks: Check = (ctx) => {
  const deployed = Object.keys(deployedEnvironments(ctx)).filter((s) => ctx.spec.stages[s]);
  const backends = [...new Set(usedRoutes(ctx).map((r) => r.backend))].sort();
  return strings(
    ctx,
    backends.flatMap((name): StringItem[] => {
      const b = ctx.spec.backends[name] as HttpBackendSpec;
      if (b.type !== 'http' || b.targets || b.url === undefined || b.circuitBreaker || deployed.some((s) => ctx.spec.stages[s].backends[name])) return [];
      return [['url', b.url, 'gateway', `backends.${name}.url`]];
    }),
  );
};
