/**
 * SecurityPolicy of one route rule: JWT (remote JWKS), API keys (consumers' Secrets), external
 * authorization (the custom authorizer's Service), CORS, and an authorization block for scopes,
 * required claims and IP rules. Authorization rules run in order and the first match decides
 * (Envoy Gateway SecurityPolicy API); principals in one rule must all match.
 */
import type { ApiKeyAuthorizerSpec, CustomAuthorizerSpec, GatewaySpec, JwtAuthorizerSpec, RouteSpec } from '../../lib/model/types';
import { corsMethods } from '../../lib/model/cors';
import { bindingService } from './backends';
import { headerName } from './envoy-text';
import { EG_API } from './filters';
import { dnsLabel } from './names';
import type { K8sObject, ServiceRef } from './plan';
import { sourceCidrs } from '../shared/cidr';
import { sharedSubtree, sharedTexts } from './shared';

import { keyConsumers } from '../../lib/model/client-certificates';

export const API_KEY_CLIENT_HEADER = 'x-anygate-consumer';

/** The Secret holding a consumer's key (`k8s-secret:<name>` in the spec, else `<gateway>-key-<consumer>`). */
export function consumerSecret(spec: GatewaySpec, consumer: string): string {
  const ref = spec.consumers[consumer].apiKey?.secretRef;
  const m = ref && /^k8s-secret:([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(ref);
  return m ? m[1] : dnsLabel(spec.name, 'key', consumer);
}

/**
 * The blocks every policy of one compile shares, by key (`cors`, `jwt:<authorizer>`,
 * `apiKey:<authorizer>`): each built once and, once a second policy takes it, frozen and marked
 * shared (shared.ts), so its text is written once per indentation level. Per compile, never per spec: a spec object may change
 * between compiles, a compile's blocks cannot.
 */
export type SharedBlocks = Map<string, object>;

function once<T extends object>(blocks: SharedBlocks, key: string, make: () => T): T {
  let b = blocks.get(key) as T | undefined;
  if (b === undefined) {
    // Marked shared when a second policy takes it: in a small gateway most blocks have one
    // policy, and freezing and remembering them cost more than writing them once.
    b = make();
    blocks.set(key, b);
  } else if (!sharedTexts.has(b)) sharedSubtree(b);
  return b;
}

function jwt(name: string, a: JwtAuthorizerSpec) {
  return {
    providers: [
      {
        name: dnsLabel(name),
        issuer: a.issuer,
        // A copy: the block is frozen, the spec's list is not this module's to freeze.
        audiences: [...a.audiences],
        remoteJWKS: { uri: a.jwksUri! },
        // The model's token header always carries `Bearer <token>`, whichever header it is.
        extractFrom: { headers: [{ name: headerName(a.header), valuePrefix: 'Bearer ' }] },
      },
    ],
  };
}

function apiKey(spec: GatewaySpec, a: ApiKeyAuthorizerSpec) {
  const consumers = keyConsumers(spec);
  return {
    credentialRefs: consumers.map((c) => ({ group: '', kind: 'Secret', name: consumerSecret(spec, c) })),
    extractFrom: [a.in === 'header' ? { headers: [headerName(a.name)] } : { params: [a.name] }],
    forwardClientIDHeader: API_KEY_CLIENT_HEADER,
    sanitize: true,
  };
}

function extAuth(a: CustomAuthorizerSpec, functions: Readonly<Record<string, ServiceRef>> | undefined, namespace: string) {
  const svc = bindingService(functions, a.binding);
  const ref: Record<string, unknown> = { kind: 'Service', name: svc.name, port: svc.port ?? 80 };
  if (svc.namespace && svc.namespace !== namespace) ref.namespace = svc.namespace;
  return { http: { backendRefs: [ref] }, headersToExtAuth: [headerName(a.header).toLowerCase()] };
}

function authorization(spec: GatewaySpec, route: RouteSpec, jwtProvider: string | undefined, claims: Record<string, string>) {
  const deny = (spec.ipRules?.deny ?? []).flatMap(sourceCidrs);
  const allow = (spec.ipRules?.allow ?? []).flatMap(sourceCidrs);
  const needsJwt = jwtProvider !== undefined && (route.scopes.length > 0 || Object.keys(claims).length > 0);
  if (!deny.length && !allow.length && !needsJwt) return undefined;
  const rules: Record<string, unknown>[] = [];
  if (deny.length) rules.push({ name: 'ip-deny', action: 'Deny', principal: { clientCIDRs: deny } });
  const principal: Record<string, unknown> = {};
  if (allow.length) principal.clientCIDRs = allow;
  if (needsJwt) {
    const jwtP: Record<string, unknown> = { provider: jwtProvider };
    if (route.scopes.length) jwtP.scopes = route.scopes;
    const names = Object.keys(claims).sort();
    if (names.length) jwtP.claims = names.map((n) => ({ name: n, values: [claims[n]] }));
    principal.jwt = jwtP;
  }
  if (Object.keys(principal).length) rules.push({ name: 'allow', action: 'Allow', principal });
  // With no allow condition, whatever the deny rule does not catch is allowed.
  return { defaultAction: Object.keys(principal).length ? 'Deny' : 'Allow', rules };
}

/**
 * The gateway's CORS as a SecurityPolicy `cors` block (the same on every policy of the gateway):
 * one frozen block per compile (`blocks`).
 */
export function corsPolicy(spec: GatewaySpec, blocks: SharedBlocks): Record<string, unknown> {
  return once(blocks, 'cors', () => {
    const c = spec.cors!;
    // Copies of the spec's lists: the block is frozen.
    const out: Record<string, unknown> = {
      allowOrigins: [...c.allowOrigins],
      // ANY: every method by name (a `*` is not a wildcard for credentialed requests in browsers).
      allowMethods: corsMethods(c),
      allowHeaders: [...c.allowHeaders],
      maxAge: `${c.maxAgeSeconds}s`,
    };
    if (c.exposeHeaders.length) out.exposeHeaders = [...c.exposeHeaders];
    if (c.allowCredentials) out.allowCredentials = true;
    return out;
  });
}

export interface SecurityContext {
  readonly namespace: string;
  readonly functions: Readonly<Record<string, ServiceRef>> | undefined;
  /** The rule (sectionName) or, for the AI Gateway's generated HTTPRoute, the whole route. */
  readonly target: { group: string; kind: string; name: string; sectionName?: string };
  /** The compile's shared blocks (CORS, each JWT and API-key authorizer's). */
  readonly blocks: SharedBlocks;
}

/** The route rule's SecurityPolicy, or undefined when it needs none. */
export function securityPolicy(spec: GatewaySpec, route: RouteSpec, name: string, ctx: SecurityContext): K8sObject | undefined {
  const s: Record<string, unknown> = {};
  const names = route.auth === 'none' ? [] : [...new Set(route.auth.flat())].sort();
  let provider: string | undefined;
  let claims: Record<string, string> = {};
  for (const n of names) {
    const a = spec.authorizers[n];
    if (a.type === 'jwt') {
      // Optional authentication is refused by the auth.optional record (jwt.optional lets another scheme in).
      s.jwt = once(ctx.blocks, `jwt:${n}`, () => jwt(n, a));
      provider = dnsLabel(n);
      claims = a.requiredClaims;
    } else if (a.type === 'apiKey') s.apiKeyAuth = once(ctx.blocks, `apiKey:${n}`, () => apiKey(spec, a));
    else s.extAuth = extAuth(a, ctx.functions, ctx.namespace);
  }
  if (spec.cors) s.cors = corsPolicy(spec, ctx.blocks);
  const authz = authorization(spec, route, provider, claims);
  if (authz) s.authorization = authz;
  if (!Object.keys(s).length) return undefined;
  return { apiVersion: EG_API, kind: 'SecurityPolicy', metadata: { name, namespace: ctx.namespace }, spec: { targetRefs: [ctx.target], ...s } };
}
