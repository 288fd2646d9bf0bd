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
import { contractChecks } from '../../../lib/model/contract-validation';
import type { GatewaySpec, RouteSpec } from '../../../lib/model/types';
import type { MethodParam, RouteEmitter } from './fragment';
import { componentModelNames, componentRefName, draft04Model, inlineModelName, referencedModels } from './models';

export const VALIDATORS: Record<string, unknown> = {
  params: { validateRequestParameters: true, validateRequestBody: false },
  body: { validateRequestParameters: false, validateRequestBody: true },
  'body-and-params': { validateRequestParameters: true, validateRequestBody: true },
};

function contractParts(route: RouteSpec, spec: GatewaySpec) {
  const checks = contractChecks(spec.components, route);
  if (!checks) return undefined;
  const params: MethodParam[] = checks.parameters.flatMap((p) => (p.in === 'query' || p.in === 'header' ? [{ name: p.name, in: p.in, required: p.required }] : []));
  const media = (checks.body?.content ?? []).filter((m) => m.schema !== undefined);
  const models: Record<string, unknown> = {};
  const content: Record<string, { schema: { $ref: string } }> = {};
  media.forEach((m, i) => {
    const ref = componentRefName(m.schema);
    const shared = ref !== undefined ? componentModelNames(spec).get(ref) : undefined;
    const name = shared ?? inlineModelName(route.id, 'Body', i);
    if (!shared) models[name] = draft04Model(spec, m.schema);
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
  const model = inlineModelName(route.id, 'Body', 0);
  const ref = { schema: { $ref: `#/components/schemas/${model}` } };
  return { validator, params, schemas: { [model]: v.bodySchema }, operation: { ...operation, requestBody: { required: true, content: { $default: ref, 'application/json': ref } } } };
};
