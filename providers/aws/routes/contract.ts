/**
 * Route emitter: the contract published in the OpenAPI body, so API Gateway's export, its
 * documentation and its SDK generation show it, validated or not:
 * - the request body and every concrete-status response (`200`; not `2XX` or `default`: a method
 *   response needs a status code) with a model per JSON media type (models.ts: a component schema's
 *   shared model or the route's inline one, in draft-04; what draft-04 cannot say is left out, as a
 *   published-only model validates nothing), and response headers as method response headers;
 * - the declared query and header parameters as method request parameters (path ones come from the
 *   resource);
 * - documentation parts (`x-amazon-apigateway-documentation`, imported with the API): the method's
 *   summary, description, tags and deprecation, each parameter's and the body's description, and
 *   each response's description (a method response has no field of its own for it).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-documentation.html
 *
 * Publishing never validates: a model checks a body only under a request validator that validates
 * bodies (validation.ts), and a published parameter is `required` only where no validator would then
 * enforce what the route did not ask to validate.
 */
import { routeContractParts } from '../../../lib/model/contract-validation';
import type { GatewaySpec } from '../../../lib/model/types';
import type { DocumentationPart, MethodParam, RouteEmitter } from './fragment';
import { componentModelNames, componentRefName, draft04Model, inlineModelName, jsonContent, referencedModels, routePublished, STATUS_CODE } from './models';

type Obj = Record<string, unknown>;

/** A method request parameter name API Gateway takes (an HTTP token); others stay in `anygate export`. */
const PARAMETER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

const LOCATION: Record<string, DocumentationPart['location']['type']> = { query: 'QUERY_PARAMETER', header: 'REQUEST_HEADER', path: 'PATH_PARAMETER' };

/** The models of one body's or response's JSON media types, and the schemas whose component models they need. */
function modelsOf(spec: GatewaySpec, routeId: string, part: string, content: unknown) {
  const names = componentModelNames(spec);
  const out = { content: {} as Record<string, { schema: { $ref: string } }>, models: {} as Obj, reached: [] as unknown[] };
  jsonContent(content).forEach(([type, schema], i) => {
    const ref = componentRefName(schema);
    const shared = ref !== undefined ? names.get(ref) : undefined;
    const name = shared ?? inlineModelName(routeId, part, i);
    if (!shared) out.models[name] = draft04Model(spec, schema);
    out.content[type] = { schema: { $ref: `#/components/schemas/${name}` } };
    out.reached.push(schema);
  });
  return out;
}

/** Only the properties that hold something; undefined when none does. */
function props(p: Obj): Obj | undefined {
  const kept = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== '' && v !== false && !(Array.isArray(v) && !v.length)));
  return Object.keys(kept).length ? kept : undefined;
}

export const emitContract: RouteEmitter = (route, ctx) => {
  const published = routePublished(ctx.spec, route);
  if (!published) return {};
  const spec = ctx.spec;
  const path = ctx.resource.path;
  const documentation: DocumentationPart[] = [];
  // An ANY route's documentation stays on its operation: a part's method `*` would apply to every method of the resource.
  const doc = (type: DocumentationPart['location']['type'], p: Obj, more: Record<string, string> = {}) => {
    const properties = props(p);
    if (properties && route.method !== 'ANY') documentation.push({ location: { type, path, method: route.method, ...more }, properties });
  };
  doc('METHOD', { summary: route.contract?.summary, description: route.description, tags: route.tags, deprecated: route.contract?.deprecated, externalDocs: route.contract?.externalDocs });

  // A params validator the route has for other reasons would enforce a published `required`.
  const v = route.validation;
  const validatesContract = Boolean(routeContractParts(route)?.parameters);
  const otherValidator = Boolean(v?.requiredQuery?.length || v?.requiredHeaders?.length);
  const params: MethodParam[] = [];
  for (const p of published.parameters) {
    const where = String(p.in);
    if (!(where in LOCATION)) continue;
    const name = where === 'path' ? String(p.name).replace(/\+$/, '') : String(p.name);
    if (where !== 'path') {
      if (!PARAMETER_NAME.test(name)) continue;
      params.push({ name, in: where as 'query' | 'header', required: p.required === true && (validatesContract || !otherValidator) });
    }
    doc(LOCATION[where]!, { description: p.description, deprecated: p.deprecated }, { name: where === 'path' ? (ctx.resource.rename[name] ?? name) : name });
  }

  const schemas: Obj = {};
  const reached: unknown[] = [];
  const operation: Obj = {};
  if (published.requestBody) {
    const body = modelsOf(spec, route.id, 'Body', published.requestBody.content);
    Object.assign(schemas, body.models);
    reached.push(...body.reached);
    if (Object.keys(body.content).length) operation.requestBody = { ...(published.requestBody.required === true ? { required: true } : {}), content: body.content };
    doc('REQUEST_BODY', { description: published.requestBody.description });
  }
  const responses: Obj = {};
  for (const [status, r] of published.responses) {
    if (!STATUS_CODE.test(status)) continue;
    const res = modelsOf(spec, route.id, `Response${status}`, r.content);
    Object.assign(schemas, res.models);
    reached.push(...res.reached);
    const headers = Object.keys((r.headers ?? {}) as Obj).filter((h) => PARAMETER_NAME.test(h)).sort();
    responses[status] = {
      description: typeof r.description === 'string' && r.description ? r.description : `${status} response`,
      ...(headers.length ? { headers: Object.fromEntries(headers.map((h) => [h, { schema: { type: 'string' } }])) } : {}),
      ...(Object.keys(res.content).length ? { content: res.content } : {}),
    };
    doc('RESPONSE', { description: r.description }, { statusCode: status });
  }
  if (Object.keys(responses).length) operation.responses = responses;
  Object.assign(schemas, referencedModels(spec, spec.components, reached));
  return {
    ...(params.length ? { params } : {}),
    ...(Object.keys(operation).length ? { operation } : {}),
    ...(Object.keys(schemas).length ? { schemas } : {}),
    ...(documentation.length ? { documentation } : {}),
  };
};
