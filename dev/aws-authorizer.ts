/**
 * The ONE place `anygate dev` touches the generated AWS authorizer (lib/runtime/authorizer) and
 * the AWS compiler's authorizer configuration. JWTs are verified by the very code the AWS target
 * deploys, with the configuration the AWS compiler emits, called in-process with the dev clock;
 * only the JWKS location may be pointed at the mock IdP. Keep every coupling to that code here.
 * Routes with alternative credentials reach it through alternatives.ts (one token at a time, on
 * every profile); the dev gateway checks API keys against its consumers itself (auth.ts).
 */
import { randomBytes } from 'node:crypto';
import { createAuthorizer, type AuthorizerEvent } from '../lib/runtime/authorizer/handler';
import type { AuthorizerResult } from '../lib/runtime/authorizer/policy';
import type { AuthorizerConfig, JwtVerifierConfig } from '../lib/runtime/config';
import { unpackRoutes } from '../lib/runtime/route-groups';
import type { GatewaySpec, RouteSpec } from '../lib/model/types';
import { compileAwsAuth } from '../providers/aws/auth';
import { claimsUsed } from '../providers/aws/integration';
import { buildResources, type AwsResource } from '../providers/aws/resources';
import type { Clock } from './clock';

export interface JwtRequest {
  readonly method: string;
  /** The request path as API Gateway sees it (basePath included). */
  readonly path: string;
  readonly headers: Record<string, string | undefined>;
  readonly query: Record<string, string | undefined>;
}

export type JwtDecision =
  | {
      readonly ok: true;
      readonly principal: string;
      readonly context: Record<string, string>;
    }
  | { readonly ok: false; readonly reason: 'unauthorized' | 'forbidden' };

export interface DevAuthorizerOptions {
  readonly clock: Clock;
  /** JWKS URI per JWT authorizer name, replacing the spec's (the mock IdP). */
  readonly jwksUris?: Record<string, string>;
  /** Emulate API Gateway's authorizer result cache (the aws profile). @default false */
  readonly resultCache?: boolean;
  /** Stage name in the method ARN. @default 'dev' */
  readonly stage?: string;
  /** Most authorizer results the result cache holds; the oldest goes first. @default 10000 */
  readonly resultCacheSize?: number;
  /** Checks the profile's gateway relaxes (dev/probes.ts jwtLeniency). @default - none: the AWS authorizer's own checks */
  readonly leniency?: Pick<JwtVerifierConfig, 'expOptional' | 'scopeFallbackClaim'>;
}

export interface DevAuthorizer {
  /**
   * True when the route's JWTs (and, with apiKeySource AUTHORIZER or alternatives, its API keys)
   * go through the generated authorizer.
   */
  covers(route: RouteSpec): boolean;
  authorize(route: RouteSpec, req: JwtRequest): Promise<JwtDecision>;
}

const ARN_PREFIX = 'arn:aws:execute-api:local:000000000000:anygate';

const patterns = new Map<string, RegExp>();

/** `*` in an IAM resource matches any run of characters, `/` included; a resource without one is the ARN itself (no pattern made: those are per request path). */
function arnMatches(pattern: string, arn: string): boolean {
  if (!pattern.includes('*')) return pattern === arn;
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re.test(arn);
}

function allowed(result: AuthorizerResult, methodArn: string): boolean {
  const st = result.policyDocument.Statement;
  if (st.some((s) => s.Effect === 'Deny' && s.Resource.some((r) => arnMatches(r, methodArn)))) return false;
  return st.some((s) => s.Effect === 'Allow' && s.Resource.some((r) => arnMatches(r, methodArn)));
}

/** The authorizer configuration the AWS compiler emits for `spec`, and each route's resource. */
export function awsAuthorizerConfig(spec: GatewaySpec): { config?: AuthorizerConfig; resources: Map<string, AwsResource>; ttl: Map<string, number> } {
  const resources = buildResources(spec);
  const auth = compileAwsAuth(spec, resources, new Set(spec.routes.flatMap(claimsUsed)));
  const ttl = new Map<string, number>();
  for (const [scheme, def] of Object.entries(auth.securitySchemes)) {
    const a = (def as { 'x-amazon-apigateway-authorizer'?: { authorizerResultTtlInSeconds?: number } })['x-amazon-apigateway-authorizer'];
    if (a) ttl.set(scheme, a.authorizerResultTtlInSeconds ?? 0);
  }
  return { config: auth.config, resources, ttl };
}

export function createDevAuthorizer(spec: GatewaySpec, opts: DevAuthorizerOptions): DevAuthorizer {
  const { config, resources, ttl } = awsAuthorizerConfig(spec);
  const routes = new Map(config ? unpackRoutes(config).map((r) => [`${r.method} ${r.resource}`, r]) : []);
  // Each route's entry, looked up once per route object (no key text per request).
  const entries = new WeakMap<RouteSpec, ReturnType<typeof routes.get> | null>();
  const entry = (route: RouteSpec) => {
    let e = entries.get(route);
    if (e === undefined) {
      const res = resources.get(route.id);
      entries.set(route, (e = (res && routes.get(`${route.method} ${res.path}`)) ?? null));
    }
    return e ?? undefined;
  };
  const cfg: AuthorizerConfig | undefined = config && {
    ...config,
    jwt: Object.fromEntries(Object.entries(config.jwt).map(([n, j]) => [n, { ...j, ...opts.leniency, ...(opts.jwksUris?.[n] ? { jwksUri: opts.jwksUris[n] } : {}) }])),
  };
  // The anygate-internal key of this process (on AWS: a Secrets Manager secret); never a caller's.
  const internalKey = randomBytes(24).toString('base64url');
  const run = cfg ? createAuthorizer(cfg, () => opts.clock.now(), undefined, async () => internalKey) : undefined;
  // API Gateway's cache of authorizer results, keyed by the identity sources; bounded, as every
  // caller's token makes an entry: when full, the oldest entry goes.
  const cache = new Map<string, { result: AuthorizerResult; expires: number }>();
  const cacheSize = opts.resultCacheSize ?? 10_000;
  const arnPrefix = `${ARN_PREFIX}/${opts.stage ?? 'dev'}/`;

  return {
    covers: (route) => Boolean(entry(route)),
    async authorize(route, req) {
      const e = entry(route);
      if (!e || !run || !cfg) return { ok: false, reason: 'unauthorized' };
      const methodArn = arnPrefix + req.method + req.path;
      const event: AuthorizerEvent = { methodArn, resource: e.resource, httpMethod: req.method, headers: req.headers, queryStringParameters: req.query };
      const seconds = opts.resultCache ? (ttl.get(e.scheme) ?? 0) : 0;
      // API Gateway caches the policy by the identity sources, per authorizer definition (the key is only built where it caches).
      const key = seconds > 0 ? `${e.scheme}\0${[...e.jwt.map((n) => req.headers[cfg.jwt[n].header] ?? ''), ...e.apiKeys.map((n) => (cfg.apiKeys[n].in === 'header' ? req.headers[cfg.apiKeys[n].name] : req.query[cfg.apiKeys[n].name]) ?? '')].join('\0')}` : '';
      let result = seconds > 0 ? cache.get(key) : undefined;
      if (result && result.expires <= opts.clock.now()) result = undefined;
      if (!result) {
        try {
          result = { result: await run(event), expires: opts.clock.now() + seconds * 1000 };
        } catch {
          return { ok: false, reason: 'unauthorized' };
        }
        if (seconds > 0) {
          cache.delete(key);
          if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
          cache.set(key, result);
        }
      }
      if (!allowed(result.result, methodArn)) return { ok: false, reason: 'forbidden' };
      // API keys (usageIdentifierKey) are matched to consumers by the dev gateway itself (auth.ts).
      return { ok: true, principal: result.result.principalId, context: result.result.context };
    },
  };
}
