/**
 * Route auth for the dev gateway: JWTs through the generated AWS authorizer (aws-authorizer.ts),
 * API keys per consumer, custom authorizers through `--function` bindings. Returns who called,
 * or the refusal the profile's gateway gives.
 */
import { credentialLocation, credentialScheme, locationKey } from '../lib/model/credentials';
import type { CustomAuthorizerSpec, GatewaySpec, RouteSpec } from '../lib/model/types';
import { afterScheme, planAlternatives, presence } from '../lib/runtime/alternatives';
import { repeatsCredential } from '../lib/runtime/repeated';
import type { AlternativeJwts } from './alternatives';
import type { DevAuthorizer } from './aws-authorizer';
import type { ConsumerKey } from './consumers';
import { functionEvent, functionResult, type FunctionHandler, type FunctionRequest } from './functions';
import type { Profile, Refusal } from './profiles';

export interface Caller {
  /** Consumer name when an API key identified the caller. */
  readonly consumer?: string;
  /** Token subject or authorizer principal. */
  readonly principal?: string;
  /** Authorizer context (`claim_*` keys) for transforms and function events. */
  readonly context: Record<string, string>;
  /** The authorizers whose credentials identified the caller (the access log's `authorizers`). @default [] */
  readonly authorizers?: readonly string[];
}

export type AuthOutcome = { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly refusal: Refusal };

export interface AuthRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | undefined>;
  readonly query: URLSearchParams;
  /**
   * How many header lines the request holds for a (lower-case) header name. `headers` cannot
   * say: Node keeps the first of two Authorization lines and joins other repeats with commas.
   * @default one line for a header present in `headers`
   */
  readonly headerLines?: (name: string) => number;
  readonly functionRequest: () => FunctionRequest;
}

const NO_QUERY: Record<string, string> = Object.freeze({}) as Record<string, string>;

export class RouteAuth {
  private readonly byKey: Map<string, ConsumerKey>;

  constructor(
    private readonly spec: GatewaySpec,
    private readonly profile: Profile,
    private readonly jwt: DevAuthorizer,
    keys: ConsumerKey[],
    private readonly functions: Map<string, FunctionHandler>,
    private readonly alternatives?: AlternativeJwts,
  ) {
    this.byKey = new Map(keys.map((k) => [k.key, k]));
  }

  async check(route: RouteSpec, req: AuthRequest): Promise<AuthOutcome> {
    if (route.auth === 'none') return { ok: true, caller: { context: {} } };
    // A credential sent twice is refused before any is checked (docs/model.md), on every profile.
    if (this.repeats(route.auth, req)) return { ok: false, refusal: 'unauthorized' };
    if (route.auth.length > 1 || route.authOptional) return this.checkAlternatives(route, route.auth, req);
    const names = route.auth[0];
    let context: Record<string, string> = {};
    let principal: string | undefined;
    let consumer: string | undefined;
    if (names.some((n) => this.spec.authorizers[n].type === 'jwt')) {
      // The authorizer only reads the query: a request without one shares an empty map.
      const query = req.query.size ? Object.fromEntries(req.query) : NO_QUERY;
      const d = await this.jwt.authorize(route, { method: req.method, path: req.path, headers: req.headers, query });
      if (!d.ok) return { ok: false, refusal: d.reason === 'forbidden' ? 'forbiddenScope' : 'unauthorized' };
      context = d.context;
      principal = d.principal;
    }
    for (const n of names) {
      const a = this.spec.authorizers[n];
      if (a.type === 'jwt') continue;
      if (a.type === 'apiKey') {
        const key = this.credential(n, req);
        if (!key) return { ok: false, refusal: this.profile === 'aws' && !(a.in === 'header' && a.name.toLowerCase() === 'x-api-key') ? 'unauthorized' : 'missingApiKey' };
        const k = this.byKey.get(key);
        if (!k) return { ok: false, refusal: 'invalidApiKey' };
        consumer = k.consumer;
      } else {
        const r = await this.custom(a, req);
        if (r !== true) return { ok: false, refusal: r };
      }
    }
    return { ok: true, caller: { consumer, principal: principal || undefined, context, authorizers: names } };
  }

  /** Where each route's credentials are read, made once per route (the spec does not change under a checker). */
  private readonly sources = new WeakMap<string[][], ReturnType<typeof credentialLocation>[]>();

  /** True when the request holds a credential of these authorizers more than once. */
  private repeats(auth: string[][], req: AuthRequest): boolean {
    let sources = this.sources.get(auth);
    if (!sources) this.sources.set(auth, (sources = [...new Set(auth.flat())].map((n) => credentialLocation(this.spec.authorizers[n]))));
    const lines = req.headerLines ?? ((name: string) => (req.headers[name] !== undefined ? 1 : 0));
    return repeatsCredential(sources, (s) => (s.in === 'header' ? lines(s.name.toLowerCase()) : req.query.getAll(s.name).length));
  }

  /** What the place authorizer `name` reads holds, in this request (undefined or '' when absent). */
  private raw(name: string, req: AuthRequest): string | undefined {
    const loc = credentialLocation(this.spec.authorizers[name]);
    return loc.in === 'header' ? req.headers[loc.name] : (req.query.get(loc.name) ?? undefined);
  }

  /** Authorizer `name`'s credential in this request: an API key after its scheme when it names one (else none). */
  private credential(name: string, req: AuthRequest): string | undefined {
    const a = this.spec.authorizers[name];
    const scheme = a.type === 'apiKey' ? credentialScheme(a) : undefined;
    return scheme === undefined ? this.raw(name, req) : afterScheme(this.raw(name, req), scheme);
  }

  /**
   * Alternative credentials (docs/model.md): every presented credential is verified and one
   * failure refuses; then some alternative must be complete. With optional authentication a
   * request presenting none of the route's credentials is let in as nobody. Tokens and custom authorizers are
   * verified before keys, as on AWS, where API Gateway checks the key only after its authorizer.
   */
  private async checkAlternatives(route: RouteSpec, alts: string[][], req: AuthRequest): Promise<AuthOutcome> {
    const kind = (n: string) => this.spec.authorizers[n].type;
    const names = [...new Set(alts.flat())];
    // The runtime's rule (lib/runtime/alternatives.ts): a header two authorizers share presents the one whose scheme it starts with.
    const p = presence(names, (n) => ({ key: locationKey(credentialLocation(this.spec.authorizers[n])), scheme: credentialScheme(this.spec.authorizers[n]) }), (n) => this.raw(n, req));
    const keys = names.filter((n) => kind(n) === 'apiKey' && p.presented(n)).map((n) => this.credential(n, req) ?? '');
    const plan = planAlternatives(alts, p.presented, keys, route.authOptional === true && p.bare);
    if (!plan.ok) return { ok: false, refusal: 'unauthorized' };
    const order = [...plan.check].sort((a, b) => Number(kind(a) === 'apiKey') - Number(kind(b) === 'apiKey'));
    let context: Record<string, string> = {};
    let principal: string | undefined;
    let consumer: string | undefined;
    for (const n of order) {
      const a = this.spec.authorizers[n];
      const value = this.credential(n, req) ?? '';
      if (a.type === 'jwt') {
        const d = this.alternatives ? await this.alternatives.verify(route, n, req.headers) : ({ ok: false, reason: 'unauthorized' } as const);
        if (!d.ok) return { ok: false, refusal: d.reason === 'forbidden' ? 'forbiddenScope' : 'unauthorized' };
        context = { ...context, ...d.context };
        principal ||= d.principal;
      } else if (a.type === 'apiKey') {
        // A presented key whose value lacks its scheme is no key (401), as where it is required alone.
        if (!value) return { ok: false, refusal: 'unauthorized' };
        const k = this.byKey.get(value);
        if (!k) return { ok: false, refusal: 'invalidApiKey' };
        consumer = k.consumer;
      } else {
        const r = await this.custom(a, req);
        if (r !== true) return { ok: false, refusal: r };
      }
    }
    return { ok: true, caller: { consumer, principal: principal || undefined, context, authorizers: plan.check } };
  }

  /**
   * A custom authorizer. aws: a Lambda REQUEST authorizer returning an IAM policy (Deny: 403,
   * a throw: 401). azure and apigee: the compilers call the function and let only a 200 through.
   */
  private async custom(a: CustomAuthorizerSpec, req: AuthRequest): Promise<true | Refusal> {
    const fn = this.functions.get(a.binding);
    if (!fn) return 'internal';
    const fr = req.functionRequest();
    try {
      if (this.profile === 'aws') {
        const methodArn = `arn:aws:execute-api:local:000000000000:anygate/${fr.stage}/${fr.method}${fr.path}`;
        const out = (await fn({ type: 'REQUEST', methodArn, resource: fr.resource, path: fr.path, httpMethod: fr.method, headers: fr.headers, queryStringParameters: Object.fromEntries(fr.query.entries()), pathParameters: fr.params, stageVariables: fr.stageVariables })) as { policyDocument?: { Statement?: { Effect?: string }[] } };
        const st = out?.policyDocument?.Statement ?? [];
        if (st.some((s) => s.Effect === 'Deny') || !st.some((s) => s.Effect === 'Allow')) return 'forbiddenScope';
        return true;
      }
      const res = functionResult(await fn(functionEvent(this.profile, { ...fr, method: 'POST' })));
      return res.statusCode === 200 ? true : 'unauthorized';
    } catch {
      return 'unauthorized';
    }
  }
}
