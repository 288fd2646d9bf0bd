/**
 * Route emitter: request validation. Required query parameters and headers are method parameters;
 * a body schema becomes a model for `application/json` AND for `$default`: API Gateway skips body
 * validation when no model matches the request's content type, and `$default` is the model it uses
 * for every other type, so a text/plain body is validated too (and refused with 400 when it is not
 * JSON matching the schema). https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
 *
 * `validation.contract` does the same from the contract: its parameters are method request
 * parameters (required ones checked for presence: the records refuse a schema beyond that), its
 * JSON media types get models converted to draft-04 (lib/model/schema-dialects.ts), and the
 * component schemas they reference become models of their own, referenced by name.
 */
import { contractChecks, schemaClosure } from '../../../lib/model/contract-validation';
import type { ComponentsSpec } from '../../../lib/model/contract';
import { toSafeName } from '../../../lib/model/names';
import { toDialect } from '../../../lib/model/schema-dialects';
import type { GatewaySpec, RouteSpec } from '../../../lib/model/types';
import type { MethodParam, RouteEmitter } from './fragment';

/** Model names are alphanumeric. */
function modelName(routeId: string): string {
  return `${toSafeName(routeId).replace(/-/g, '')}Body`;
}

export const VALIDATORS: Record<string, unknown> = {
  params: { validateRequestParameters: true, validateRequestBody: false },
  body: { validateRequestParameters: false, validateRequestBody: true },
  'body-and-params': { validateRequestParameters: true, validateRequestBody: true },
};

const componentModels = new WeakMap<GatewaySpec, Map<string, string>>();

/**
 * The model name of each component schema (alphanumeric, as API Gateway requires), unique among
 * themselves and the routes' own body models; one map per spec, so every route agrees.
 */
export function componentModelNames(spec: GatewaySpec): Map<string, string> {
  let names = componentModels.get(spec);
  if (names) return names;
  const taken = new Set(spec.routes.map((r) => modelName(r.id).toLowerCase()));
  names = new Map();
  for (const n of Object.keys(spec.components?.schemas ?? {}).sort()) {
    const base = toSafeName(n, 'Model').split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
    let name = base;
    for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base}${i}`;
    taken.add(name.toLowerCase());
    names.set(n, name);
  }
  componentModels.set(spec, names);
  return names;
}

/** A contract schema as a draft-04 model body, its component references renamed to models. */
export function draft04Model(spec: GatewaySpec, schema: unknown): Record<string, unknown> {
  const names = componentModelNames(spec);
  return toDialect(schema, 'draft-04', (n) => `#/components/schemas/${names.get(n) ?? n}`).schema;
}

/** The draft-04 models of every component schema `schemas` reach, by model name. */
export function referencedModels(spec: GatewaySpec, components: ComponentsSpec | undefined, schemas: unknown[]): Record<string, unknown> {
  const names = componentModelNames(spec);
  return Object.fromEntries(schemaClosure(components, schemas).map((n) => [names.get(n)!, draft04Model(spec, components!.schemas![n])]));
}

function contractParts(route: RouteSpec, spec: GatewaySpec) {
  const checks = contractChecks(spec.components, route);
  if (!checks) return undefined;
  const params: MethodParam[] = checks.parameters.flatMap((p) => (p.in === 'query' || p.in === 'header' ? [{ name: p.name, in: p.in, required: p.required }] : []));
  const media = (checks.body?.content ?? []).filter((m) => m.schema !== undefined);
  const models: Record<string, unknown> = {};
  const content: Record<string, { schema: { $ref: string } }> = {};
  media.forEach((m, i) => {
    const ref = m.schema && typeof m.schema === 'object' && typeof m.schema.$ref === 'string' && Object.keys(m.schema).length === 1 ? /^#\/components\/schemas\/([^/]+)$/.exec(m.schema.$ref) : null;
    const name = ref ? componentModelNames(spec).get(decodeURIComponent(ref[1]))! : `${modelName(route.id)}${i ? i + 1 : ''}`;
    if (!ref) models[name] = draft04Model(spec, m.schema);
    content[m.type] = { schema: { $ref: `#/components/schemas/${name}` } };
  });
  if (media.length) content.$default = content[media[0].type];
  Object.assign(models, referencedModels(spec, spec.components, media.map((m) => m.schema)));
  return { params, models, content, required: checks.body?.required ?? false, checksParams: checks.parts.parameters && checks.parameters.some((p) => p.required && p.in !== 'path'), checksBody: media.length > 0 };
}

export const emitValidation: RouteEmitter = (route, ctx) => {
  const v = route.validation;
  if (!v) return {};
  const contract = contractParts(route, ctx.spec);
  const body = v.bodySchema !== undefined || Boolean(contract?.checksBody);
  const prm = Boolean(v.requiredQuery?.length || v.requiredHeaders?.length || contract?.checksParams);
  if (!body && !prm) return contract?.params.length ? { params: contract.params } : {};
  const validator = body && prm ? 'body-and-params' : body ? 'body' : 'params';
  const params = [...(v.requiredQuery ?? []).map((name) => ({ name, in: 'query' as const, required: true })), ...(v.requiredHeaders ?? []).map((name) => ({ name, in: 'header' as const, required: true })), ...(contract?.params ?? [])];
  const operation: Record<string, unknown> = { 'x-amazon-apigateway-request-validator': validator };
  if (contract?.checksBody) {
    return { validator, params, schemas: contract.models, operation: { ...operation, requestBody: { required: contract.required, content: contract.content } } };
  }
  if (v.bodySchema === undefined) return { validator, params, operation };
  const model = modelName(route.id);
  const ref = { schema: { $ref: `#/components/schemas/${model}` } };
  return { validator, params, schemas: { [model]: v.bodySchema }, operation: { ...operation, requestBody: { required: true, content: { $default: ref, 'application/json': ref } } } };
};
