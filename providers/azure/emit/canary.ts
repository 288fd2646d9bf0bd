/**
 * A sticky canary (release.canary.stickiness) on API Management: the weighted Pool backend draws
 * each request, so a request that carries the header or cookie is sent to one member by its value
 * instead. The bucket is lib/model/versions.ts canaryBucket (FNV-1a, 32 bit, over the value's
 * UTF-16 code units, mod 100), computed by a policy expression, so `anygate dev` and the gateway
 * put a caller on the same side. Requests without the value keep the pool's per-request draw.
 * https://learn.microsoft.com/azure/api-management/set-backend-service-policy
 */
import type { HttpBackendSpec, RouteSpec } from '../../../lib/model/types';
import { stickyKey } from '../../../lib/model/versions';
import { csString } from '../expressions';
import { el, type XNode } from '../xml';
import type { EmitContext } from './context';

const BUCKET = 'anygate-canary-bucket';

/**
 * The C# statements that read the sticky value into `v` ("" when absent). A cookie is the first
 * pair of that name in the Cookie header, split on `;` and `,` (GetValueOrDefault joins repeated
 * Cookie fields with a comma), as dev's cookieValue reads it. No `{{`/`}}` is ever written (APIM
 * would read it as a named value).
 */
function readValue(where: 'header' | 'cookie', name: string): string {
  const n = csString(name);
  if (where === 'header') return `string v = context.Request.Headers.GetValueOrDefault(${n}, "");`;
  return `string v = ""; foreach (string part in context.Request.Headers.GetValueOrDefault("Cookie", "").Split(';', ',')) { int eq = part.IndexOf('='); if (eq > 0 && part.Substring(0, eq).Trim() == ${n}) { v = part.Substring(eq + 1).Trim(); break; } }`;
}

/** The expression of the bucket (0-99), or -1 when the request carries no value. */
export function bucketExpression(where: 'header' | 'cookie', name: string): string {
  return `@{ ${readValue(where, name)} if (v.Length == 0) { return -1; } uint h = 2166136261; foreach (char c in v) { h = unchecked((h ^ (uint)c) * 16777619u); } return (int)(h % 100u); }`;
}

/** The policies that pin a caller to one member of the canary's pool; none for other routes. */
export function stickyCanary(route: RouteSpec, ctx: EmitContext): XNode[] {
  const c = ctx.spec.release?.canary;
  if (!c?.stickiness || route.backend !== c.of) return [];
  const targets = (ctx.spec.backends[c.of] as HttpBackendSpec).targets!;
  const canaryUrl = (ctx.spec.backends[c.backend!] as HttpBackendSpec).url!;
  // canaryAsWeights names the members <of>-1, <of>-2 in its (sorted) target order.
  const member = (url: string) => ctx.names.backend(`${c.of}-${targets.findIndex((t) => t.url === url) + 1}`);
  const stableUrl = targets.find((t) => t.url !== canaryUrl)!.url;
  const bucket = `(int)context.Variables[${csString(BUCKET)}]`;
  return [
    el('set-variable', { name: BUCKET, value: bucketExpression(stickyKey(c.stickiness).in, stickyKey(c.stickiness).name) }),
    el(
      'choose',
      {},
      el('when', { condition: `@(${bucket} >= 0 && ${bucket} < ${c.percent})` }, el('set-backend-service', { 'backend-id': member(canaryUrl) })),
      el('when', { condition: `@(${bucket} >= ${c.percent})` }, el('set-backend-service', { 'backend-id': member(stableUrl) })),
    ),
  ];
}
