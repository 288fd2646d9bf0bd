/**
 * `validation.contract` per target: what each gateway's validator cannot check of what a route's
 * contract says, refused by name (route, spec path, schema pointer) before anything is emitted.
 * The schema dialect gaps come from lib/model/schema-dialects.ts, the same conversion the emitters use.
 */
import type { SynthesisProblem } from '../../model/errors';
import { contractChecks, isJsonMediaType, schemaClosure, type ContractChecks } from '../../model/contract-validation';
import { toDialect, type SchemaDialect } from '../../model/schema-dialects';
import type { CheckContext } from '../types';
import { usedRoutes } from './helpers';

type Check = (ctx: CheckContext) => SynthesisProblem[];

export interface ContractValidator {
  /** The dialect the target's validator reads. */
  readonly dialect: SchemaDialect;
  /** The validator, as messages name it (`API Gateway models`). */
  readonly validator: string;
  /**
   * What the target checks of a parameter: its schema, or only that a required one is present
   * (a constrained schema is then refused).
   */
  readonly parameters: 'schema' | 'presence';
  /** Whether cookie parameters are checked. */
  readonly cookies: boolean;
  /** Whether a body media type the validator cannot parse, with a schema, can be checked; JSON always can. */
  readonly nonJsonSchemas: boolean;
  /** Whether a body may be declared with a media type that has no schema (only the type checked). */
  readonly schemaless: boolean;
  /** Whether ANY routes can be validated (a validator keyed by method cannot). */
  readonly anyMethod: boolean;
  /** Whether only `application/json` bodies are checked by schema (not `+json` types). @default false */
  readonly applicationJsonOnly?: boolean;
  /**
   * Whether a greedy path (`{p+}`) can be validated. An OpenAPI path template matches one segment,
   * so a validator that matches the request path against the document refuses deeper paths.
   * @default true
   */
  readonly greedyPaths?: boolean;
}

/** A media type without ranges or parameters: what every validator can match a Content-Type against. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/;

const DIALECT_NAME: Record<SchemaDialect, string> = { 'draft-04': 'JSON Schema draft-04', 'openapi-3.0': 'the OpenAPI 3.0 Schema Object' };

/** A parameter schema that a presence check fully enforces: none, or a plain string. */
function presenceOnly(schema: unknown): boolean {
  if (schema === undefined || schema === true) return true;
  if (typeof schema !== 'object' || schema === null) return false;
  const constraints = Object.keys(schema).filter((k) => !['title', 'description', 'example', 'examples', 'deprecated'].includes(k));
  return constraints.every((k) => k === 'type') && ((schema as { type?: unknown }).type === undefined || (schema as { type?: unknown }).type === 'string');
}

/** The problems of one route's contract checks on a target. */
export function contractProblems(ctx: CheckContext, v: ContractValidator, routeId: string, method: string, checks: ContractChecks): SynthesisProblem[] {
  const out: SynthesisProblem[] = [];
  const remedy = (part: 'body' | 'parameters') => `rewrite the schema without it, or set validation.contract.${part}: false and validate it in the backend`;
  const gapsOf = (schema: unknown, where: string, part: 'body' | 'parameters') => {
    for (const g of toDialect(schema, v.dialect).gaps) {
      out.push(ctx.problem(routeId, `${where}.schema${g.pointer ? ` at ${g.pointer}` : ''}: ${g.keyword} cannot be said in ${DIALECT_NAME[v.dialect]} (${v.validator}), so ${ctx.label} would not check it; ${remedy(part)}`));
    }
  };
  if (method === 'ANY' && !v.anyMethod) out.push(ctx.problem(routeId, `validation.contract on an ANY route: ${v.validator} validates one method's operation; declare the methods as separate routes`));
  for (const p of checks.parameters) {
    const what = `${p.where} (${p.in} parameter ${p.name})`;
    if (p.in === 'cookie' && !v.cookies) out.push(ctx.problem(routeId, `${what}: ${ctx.label} does not validate cookie parameters; ${remedy('parameters')}`));
    else if (v.parameters === 'presence' && !presenceOnly(p.schema)) out.push(ctx.problem(routeId, `${what}: ${v.validator} only checks that a required parameter is present, not its schema ${JSON.stringify(p.schema)}; declare it { type: string } (or no schema), or ${remedy('parameters').replace('rewrite the schema without it, or ', '')}`));
    else if (v.parameters === 'schema' && p.schema !== undefined) gapsOf(p.schema, what, 'parameters');
  }
  const bodySchemas: unknown[] = [];
  for (const m of checks.body?.content ?? []) {
    if (!MEDIA_TYPE.test(m.type)) {
      out.push(ctx.problem(routeId, `${m.where}: ${JSON.stringify(m.type)} is a media range or carries parameters; ${v.validator} matches exact media types: list each type (application/json)`));
      continue;
    }
    if (v.applicationJsonOnly && m.schema !== undefined && m.type.toLowerCase() !== 'application/json') {
      out.push(ctx.problem(routeId, `${m.where}: ${v.validator} checks a body's schema only when its type is application/json, not ${m.type}; declare application/json, or set validation.contract.body: false`));
      continue;
    }
    if (m.schema === undefined) {
      if (!v.schemaless) out.push(ctx.problem(routeId, `${m.where}: a media type without a schema; ${v.validator} checks bodies by schema: add one, or set validation.contract.body: false`));
      continue;
    }
    if (!isJsonMediaType(m.type) && !v.nonJsonSchemas) {
      out.push(ctx.problem(routeId, `${m.where}: ${v.validator} checks JSON bodies only, not ${m.type}; set validation.contract.body: false and validate it in the backend`));
      continue;
    }
    bodySchemas.push(m.schema);
    gapsOf(m.schema, m.where, 'body');
  }
  return out.concat(componentGaps(ctx, v, routeId, [...bodySchemas, ...(v.parameters === 'schema' ? checks.parameters.map((p) => p.schema) : [])]));
}

/** Gaps in the component schemas a route's checked schemas reach. */
function componentGaps(ctx: CheckContext, v: ContractValidator, routeId: string, schemas: unknown[]): SynthesisProblem[] {
  const components = ctx.spec.components;
  return schemaClosure(components, schemas).flatMap((name) =>
    toDialect(components!.schemas![name], v.dialect).gaps.map((g) =>
      ctx.problem(routeId, `components.schemas.${name}${g.pointer ? ` at ${g.pointer}` : ''} (checked by validation.contract): ${g.keyword} cannot be said in ${DIALECT_NAME[v.dialect]} (${v.validator}), so ${ctx.label} would not check it; rewrite the schema without it, or stop validating what references it`),
    ),
  );
}

/** The check of the `validation.contract` record for a target with validator `v`. */
export function contractValidationCheck(v: ContractValidator): Check {
  return (ctx) =>
    usedRoutes(ctx).flatMap((r) => {
      let checks: ContractChecks | undefined;
      try {
        checks = contractChecks(ctx.spec.components, r);
      } catch (e) {
        return [ctx.problem(r.id, (e as Error).message)];
      }
      if (!checks) return [];
      const greedy = v.greedyPaths === false && /\{[^}]+\+\}/.test(r.path) ? [ctx.problem(r.id, `validation.contract on a greedy path (${r.path}): ${v.validator} matches the request path against the contract's path template, which matches one segment, so deeper paths would be refused; give the route a non-greedy path, or set validation.contract: false`)] : [];
      return [...greedy, ...contractProblems(ctx, v, r.id, r.method, checks)];
    });
}
