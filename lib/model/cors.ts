/**
 * CORS decisions on the normalized CORS spec, read by every target and by `anygate dev`: which
 * methods a preflight allows, and which origin a response names. `ANY` is always expanded to the
 * methods by name, because browsers do not read `*` as a wildcard on credentialed requests.
 */
import { METHOD_ORDER, type CorsSpec, type HttpMethod } from './types';

/** Every method a request can use (ANY excluded), in the model's order. */
export const CONCRETE_METHODS: readonly Exclude<HttpMethod, 'ANY'>[] = METHOD_ORDER.filter((m): m is Exclude<HttpMethod, 'ANY'> => m !== 'ANY');

/** The methods `cors.allowMethods` allows, by name, in the model's order. */
export function corsMethods(cors: CorsSpec): Exclude<HttpMethod, 'ANY'>[] {
  return cors.allowMethods.includes('ANY') ? [...CONCRETE_METHODS] : CONCRETE_METHODS.filter((m) => cors.allowMethods.includes(m));
}

/**
 * What a preflight on one path answers in Access-Control-Allow-Methods: the methods of the
 * path's routes (an ANY route takes every method) that CORS allows, plus OPTIONS; sorted.
 */
export function preflightMethods(cors: CorsSpec, methodsOnPath: readonly string[]): string[] {
  const allowed = new Set<string>(corsMethods(cors));
  const out = new Set<string>(['OPTIONS']);
  for (const m of methodsOnPath) for (const x of m === 'ANY' ? CONCRETE_METHODS : [m]) if (allowed.has(x)) out.add(x);
  return [...out].sort();
}

/** True when `origin` may read responses. */
export function originAllowed(cors: CorsSpec, origin: string | undefined): origin is string {
  return Boolean(origin) && (cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin!));
}

/** Access-Control-Allow-Origin for an allowed origin: `*` only without credentials, else the origin echoed. */
export function allowOriginValue(cors: CorsSpec, origin: string): string {
  return cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
}
