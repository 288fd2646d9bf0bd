/**
 * What the Apigee emitters share while one spec compiles: the policies emitted so far (by name,
 * so a policy used by several flows is written once), the target servers and function bindings
 * they need, and warnings. Bad input never reaches them: assertSupported refuses it
 * first, with the capability records' messages.
 */
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { el, shared, type XNode } from '../shared/xml';
import type { ApigeeTargetServer } from './plan';

/** A flow's step naming a policy, run when `condition` holds. @default condition - always */
export function flowStep(name: string, condition?: string): XNode {
  return el('Step', {}, el('Name', {}, name), condition !== undefined && el('Condition', {}, condition));
}

/** The steps one route concern adds to the request and response flows of its Flow. */
export interface Fragment {
  readonly request: XNode[];
  readonly response: XNode[];
}

export const fragment = (request: (XNode | undefined)[] = [], response: (XNode | undefined)[] = []): Fragment => ({
  request: request.filter((x): x is XNode => x !== undefined),
  response: response.filter((x): x is XNode => x !== undefined),
});

export class ApigeeContext {
  readonly warnings: string[] = [];
  readonly policies = new Map<string, XNode>();
  /** Function bindings whose hosts and ID-token audiences the deployment must supply. */
  readonly bindings = new Set<string>();
  readonly targetServers = new Map<string, ApigeeTargetServer>();
  /** OpenAPI paths for OASValidation (request bodies with a schema). */
  readonly oasPaths: Record<string, Record<string, unknown>> = {};
  /** Path shape -> the path its routes' operations go under in oasPaths (emit/validation.ts). */
  readonly oasPathOfShape = new Map<string, RouteSpec>();
  /** Component schemas the OASValidation spec's operations reference (validation.contract). */
  readonly oasSchemas: Record<string, unknown> = {};
  readonly proxy: string;
  /** Several API key authorizers on the routes: they count plans on one Quota and SpikeArrest (emit/auth.ts). */
  readonly sharedPlanCounters: boolean;

  constructor(
    readonly spec: GatewaySpec,
    /** `apigee (INTERMEDIATE)`, for messages. */
    readonly target: string,
    /** Stages deployed, each to its environment. */
    readonly environments: Readonly<Record<string, string>>,
    /** The Model Armor template of guards whose backend names none. @default - none */
    readonly modelArmorTemplate?: string,
  ) {
    this.proxy = spec.name;
    const keys = new Set(spec.routes.flatMap((r) => (r.auth === 'none' ? [] : r.auth.flat().filter((n) => spec.authorizers[n].type === 'apiKey'))));
    this.sharedPlanCounters = keys.size > 1;
  }

  get stages(): string[] {
    return Object.keys(this.environments).sort();
  }

  /** What once() built, by key. */
  private readonly built = new Map<string, unknown>();

  /**
   * What `build` makes from the spec alone (an authorizer's steps, which every route it guards
   * holds): built on the first call for `key`, the same value on every later one, so thousands of
   * routes do not rebuild (and re-escape) the same policies and steps. The key must name every
   * input of `build`; the value is never changed after (callers copy the arrays they extend).
   */
  once<T>(key: string, build: () => T): T {
    let v = this.built.get(key) as T | undefined;
    if (v === undefined) this.built.set(key, (v = build()));
    return v;
  }

  /**
   * Steps many routes' flows hold, as once(): nodes marked shared, so the proxy endpoint's text
   * for them is written once per indentation level (providers/shared/xml.ts).
   */
  sharedSteps(key: string, build: () => XNode[]): XNode[] {
    return this.once(key, () => build().map(shared));
  }

  /**
   * A policy whose behaviour depends on `key` alone (ExtractVariables, AssignMessage, JavaScript:
   * no counter, cache or other state kept per policy), for many routes' flows: the first route to
   * ask (flows are built in precedence order, so the choice does not depend on the spec's route
   * order) names it and every later route with the same key steps to that one policy. A bundle of
   * 2,000 routes held a thousand same documents under a thousand names; the key must name every
   * input of `build`. Never for a policy that keeps state (SpikeArrest, Quota, ResponseCache): a
   * shared one would count or cache the routes together.
   */
  addStateless(kind: string, key: string, build: () => XNode): string {
    return this.once(`stateless ${kind} ${key}`, () => this.add(build()));
  }

  /** Records a policy (once per name) and returns its name. */
  add(p: XNode): string {
    const name = p.attrs!.name;
    this.policies.set(name, p);
    return name;
  }

  step(name: string, condition?: string): XNode {
    return flowStep(name, condition);
  }



  /**
   * The VerifyJWT policy claims are read from: the route's first JWT authorizer; with alternatives,
   * the first one every alternative holds (so it verified whichever alternative let the request in;
   * the capability records refuse claims on routes without one).
   */
  jwtPolicy(r: RouteSpec): string | undefined {
    if (r.auth === 'none') return undefined;
    const alts = r.auth;
    const n = alts[0].find((x) => this.spec.authorizers[x].type === 'jwt' && alts.every((alt) => alt.includes(x)));
    return n && `JWT-${n}`;
  }

  /** Where a route's field is, for located errors: `routes[id=getPet]`. */
  routePath(r: RouteSpec): string {
    return `routes[id=${r.id}]`;
  }

  /** The key-value map holding each function binding's ID-token audience, per environment. */
  get audienceMap(): string {
    return `anygate-${this.proxy}`;
  }
}
