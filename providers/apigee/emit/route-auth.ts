/**
 * One route's auth, in order: a request repeating a credential is refused first, then either the
 * alternatives flow (alternatives.ts) or the route's own authorizers' steps (auth.ts), then the
 * required scopes. Its own module so auth.ts and alternatives.ts do not import each other.
 */
import { credentialLocation, locationKey } from '../../../lib/model/credentials';
import type { RouteSpec } from '../../../lib/model/types';
import { headerRef, queryRef } from '../conditions';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import * as P from '../policies';
import { shared } from '../../shared/xml';
import { alternativesFragment } from './alternatives';
import { apiKeyPolicies, customSteps, jwtSteps, missingScopes, type Step } from './auth';

function scopes(ctx: ApigeeContext, r: RouteSpec): Step[] {
  const policy = ctx.jwtPolicy(r);
  if (!r.scopes.length || !policy) return [];
  const forbidden = ctx.once('policy\0RF-forbidden', () => ctx.add(P.raiseFault('RF-forbidden', 403, 'Forbidden', 'Forbidden')));
  return missingScopes(ctx, r, policy).map((c) => ctx.once(`forbidden\0${c}`, () => shared(ctx.step(forbidden, c))));
}

/**
 * A request that repeats a credential the route reads is refused, 401 (docs/model.md, "Repeated
 * credentials"): `<ref>.values.count` counts header lines and query values (Apigee also splits a
 * header's value on commas, which no token or key holds, so that is refused too).
 */
function repeatedCredentials(ctx: ApigeeContext, r: RouteSpec): Step | undefined {
  if (r.auth === 'none') return undefined;
  // The same step for every route reading the same authorizers: built once per set of them.
  const names = [...new Set(r.auth.flat())];
  return ctx.once(`repeated\0${names.join('\0')}`, () => shared(buildRepeatedCredentials(ctx, names)));
}

function buildRepeatedCredentials(ctx: ApigeeContext, names: readonly string[]): Step {
  const refs = new Map<string, string>();
  for (const n of names) {
    const a = ctx.spec.authorizers[n];
    const loc = credentialLocation(a);
    const where = `authorizers.${n}.${a.type === 'apiKey' ? 'name' : 'header'}`;
    const raw = a.type === 'apiKey' ? a.name : a.header;
    if (!refs.has(locationKey(loc))) refs.set(locationKey(loc), loc.in === 'header' ? headerRef(raw, where) : queryRef(raw, where));
  }
  const cond = [...refs.keys()].sort().map((k) => `${refs.get(k)}.values.count > 1`).join(' or ');
  return ctx.step(ctx.add(P.raiseFault('RF-unauthorized', 401, 'Unauthorized', 'Unauthorized')), cond);
}

export function authFragment(ctx: ApigeeContext, r: RouteSpec): Fragment {
  if (r.auth === 'none') return fragment();
  // First: no credential is checked or counted for a request that repeats one.
  const repeated = repeatedCredentials(ctx, r);
  const f = authSteps(ctx, r);
  return fragment([repeated, ...f.request], f.response);
}

function authSteps(ctx: ApigeeContext, r: RouteSpec): Fragment {
  if (r.auth === 'none') return fragment();
  // Two API keys in one request must be the same key, counted once (docs/model.md, rule 4): the
  // alternatives steps say so, for a pair of keys required together too.
  const keys = r.auth[0].filter((n) => ctx.spec.authorizers[n].type === 'apiKey').length;
  if (r.auth.length > 1 || keys > 1 || r.authOptional) return alternativesFragment(ctx, r, r.auth);
  const steps = [];
  for (const n of r.auth[0]) {
    const a = ctx.spec.authorizers[n];
    if (a.type === 'apiKey') {
      steps.push(
        ...ctx.sharedSteps(`key-steps\0${n}`, () => {
          const k = apiKeyPolicies(ctx, n, a);
          return [...[k.extract, k.verify].filter((x): x is string => x !== undefined).map((x) => ctx.step(x)), ...k.counters.map((c) => ctx.step(c.policy, c.when))];
        }),
      );
    } else if (a.type === 'jwt') steps.push(...jwtSteps(ctx, n, a));
    else steps.push(...customSteps(ctx, n, a));
  }
  return fragment([...steps, ...scopes(ctx, r)]);
}
