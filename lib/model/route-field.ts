/**
 * Route fields that bring their own rules. A field's module registers its schema with
 * `routeField(schema, { normalize, check })`; schema.ts puts the schema on `Route`:
 * normalization (normalize.ts) and validation (validate.ts) find the field through `Route.shape`,
 * so a new route feature does not touch them. The `RouteSpec` type takes the field's normalized
 * type from types.ts `RouteFieldSpecsDeclared`, one line there, which the build checks against
 * `RouteFieldSpecs<typeof Route.shape>` (a field registered and not declared fails the build).
 */
import type { z } from 'zod';
import type { SpecIssue } from './errors';

type Path = (string | number)[];

/** What a field's check knows of its route, after `defaults` apply. */
export interface RouteFieldContext {
  /** Where the field is in the input: `routes[i].<field>`. */
  readonly path: Path;
  readonly method: string;
  /** The type of the route's backend. @default - undefined when the backend is unknown (its own error) */
  readonly backendType?: string;
}

export interface RouteFieldRules<I, O> {
  /** The field's canonical form on RouteSpec (defaults filled, lists in one order). */
  normalize(input: I): O;
  /** Rules that need the rest of the route; push errors located under `ctx.path`. @default - none */
  check?(input: I, ctx: RouteFieldContext, issues: SpecIssue[]): void;
}

/** Type-only mark carrying a field's normalized type, read by `RouteFieldSpecs`. */
declare const SPEC: unique symbol;
export type RouteFieldSchema<S extends Schema, O> = S & { readonly [SPEC]?: O };

/**
 * What `routeField` needs of a zod schema: its output type. Not `z.ZodType` (nor, below, for the
 * schemas looked up): relating a concrete schema to zod's generic class makes TypeScript compare
 * the two classes member by member, about 30,000 types, paid again by every program that reads
 * these declarations and relates one schema (test/model/route-field.test.ts was a sixth of the
 * tests' type check; docs/performance.md, "Round 3, eighth pass").
 */
interface Schema {
  readonly _zod: { readonly output: unknown };
}

const RULES = new WeakMap<object, RouteFieldRules<unknown, unknown>>();

/** Registers a route field's rules on its schema; put the returned schema on `Route`. */
export function routeField<S extends Schema, O>(schema: S, rules: RouteFieldRules<z.output<S>, O>): RouteFieldSchema<S, O> {
  RULES.set(schema, rules as RouteFieldRules<unknown, unknown>);
  return schema as RouteFieldSchema<S, O>;
}

/** The rules of a field of `Route.shape` (optional or not), if its module registered any. */
export function routeFieldRules(field: object): RouteFieldRules<unknown, unknown> | undefined {
  let s: object | undefined = field;
  // Unwrap .optional() (and .meta(), which keeps the wrapper's inner type) down to the registered schema.
  while (s && !RULES.has(s)) s = (s as { _zod?: { def?: { innerType?: object } } })._zod?.def?.innerType;
  return s && RULES.get(s);
}

/**
 * The registered fields of a shape, in its key order, found once per shape: normalization and
 * validation ask for every route (unwrapping each of the shape's fields per route was a share of
 * loading a 2,000-route spec). Shapes are not changed once built.
 */
const REGISTERED = new WeakMap<Record<string, object>, readonly { key: string; rules: RouteFieldRules<unknown, unknown> }[]>();

/** Every registered field a route input sets, with its rules. */
export function routeFieldsOf(shape: Record<string, object>, route: Record<string, unknown>): { key: string; value: unknown; rules: RouteFieldRules<unknown, unknown> }[] {
  let fields = REGISTERED.get(shape);
  if (!fields) {
    const found: { key: string; rules: RouteFieldRules<unknown, unknown> }[] = [];
    for (const key of Object.keys(shape)) {
      const rules = routeFieldRules(shape[key]);
      if (rules) found.push({ key, rules });
    }
    REGISTERED.set(shape, (fields = found));
  }
  const out: { key: string; value: unknown; rules: RouteFieldRules<unknown, unknown> }[] = [];
  for (const { key, rules } of fields) if (route[key] !== undefined) out.push({ key, value: route[key], rules });
  return out;
}

type SpecOf<F> = F extends z.ZodOptional<infer I> ? SpecOf<I> : F extends { readonly [SPEC]?: infer O } ? O : never;

/** The normalized form of every registered field of a route shape, each optional. */
export type RouteFieldSpecs<Shape> = { readonly [K in keyof Shape as [SpecOf<Shape[K]>] extends [never] ? never : K]?: SpecOf<Shape[K]> };
