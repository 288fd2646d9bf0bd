/**
 * Route emitter: request validation. Required query parameters and headers are method parameters;
 * a body schema becomes a model for `application/json` AND for `$default`: API Gateway skips body
 * validation when no model matches the request's content type, and `$default` is the model it uses
 * for every other type, so a text/plain body is validated too (and refused with 400 when it is not
 * JSON matching the schema). https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
 */
import { toSafeName } from '../../../lib/model/names';
import type { RouteEmitter } from './fragment';

/** Model names are alphanumeric. */
function modelName(routeId: string): string {
  return `${toSafeName(routeId).replace(/-/g, '')}Body`;
}

export const VALIDATORS: Record<string, unknown> = {
  params: { validateRequestParameters: true, validateRequestBody: false },
  body: { validateRequestParameters: false, validateRequestBody: true },
  'body-and-params': { validateRequestParameters: true, validateRequestBody: true },
};

export const emitValidation: RouteEmitter = (route) => {
  const v = route.validation;
  if (!v) return {};
  const body = v.bodySchema !== undefined;
  const prm = Boolean(v.requiredQuery?.length || v.requiredHeaders?.length);
  const validator = body && prm ? 'body-and-params' : body ? 'body' : 'params';
  const params = [...(v.requiredQuery ?? []).map((name) => ({ name, in: 'query' as const, required: true })), ...(v.requiredHeaders ?? []).map((name) => ({ name, in: 'header' as const, required: true }))];
  if (!body) return { validator, params, operation: { 'x-amazon-apigateway-request-validator': validator } };
  const model = modelName(route.id);
  const ref = { schema: { $ref: `#/components/schemas/${model}` } };
  return {
    validator,
    params,
    schemas: { [model]: v.bodySchema },
    operation: { 'x-amazon-apigateway-request-validator': validator, requestBody: { required: true, content: { $default: ref, 'application/json': ref } } },
  };
};
