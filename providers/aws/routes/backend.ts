/**
 * Route emitter: the backend integration, for routes the transform function does not serve.
 * http_proxy for HTTP backends (path variables and mappable header/query transforms as request
 * parameters), aws_proxy for functions, and a mock integration (with the CORS headers the spec asks
 * for) for mock backends. Mock bodies reach VTL only through vtl.ts.
 */
import { uriTemplate } from '../../../lib/model/path';
import type { MockBackendSpec, RouteSpec } from '../../../lib/model/types';
import { corsActualResponse } from '../cors';
import { backendBase, nativeSource, sortKeys } from '../integration';
import { functionStageVariable, lambdaUri } from '../plan';
import { vtlString } from '../vtl';
import type { MethodParam, RouteContext, RouteEmitter, RouteFragment } from './fragment';
import { backendSegments } from '../../../lib/model/rewrite';

function mockIntegration(route: RouteSpec, backend: MockBackendSpec, ctx: RouteContext): RouteFragment {
  // Static values are single-quoted; the record 'backend.mock' refuses values holding a quote.
  const own = Object.keys(backend.headers).sort();
  const cors = ctx.spec.cors ? corsActualResponse(ctx.spec.cors) : { headers: {}, template: '' };
  const values: Record<string, string> = { ...cors.headers };
  for (const h of own) values[h] = `'${backend.headers[h]}'`;
  // The route's response headers (a deprecated version's among them) are static values too.
  for (const [h, v] of Object.entries(route.transform?.response?.setHeaders ?? {})) values[h] = `'${v}'`;
  const declared = [...new Set([...Object.keys(values), ...(cors.template ? ['Access-Control-Allow-Origin'] : [])])].sort();
  const status = String(backend.statusCode);
  const body = backend.body === undefined ? '' : vtlString(JSON.stringify(backend.body));
  return {
    integration: {
      type: 'mock',
      requestTemplates: { 'application/json': `{"statusCode": ${backend.statusCode}}` },
      passthroughBehavior: 'when_no_match',
      // With binary media types such as */*, a mock's request is not text unless converted.
      contentHandling: 'CONVERT_TO_TEXT',
      responses: {
        default: {
          statusCode: status,
          responseTemplates: { 'application/json': `${cors.template}${body}` },
          ...(Object.keys(values).length ? { responseParameters: Object.fromEntries(Object.keys(values).sort().map((h) => [`method.response.header.${h}`, values[h]])) } : {}),
        },
      },
    },
    operation: { responses: { [status]: { description: 'Mock response', ...(declared.length ? { headers: Object.fromEntries(declared.map((h) => [h, { schema: { type: 'string' } }])) } : {}) } } },
  };
}

function httpIntegration(route: RouteSpec, ctx: RouteContext): RouteFragment {
  const b = backendBase(ctx.spec, route.backend);
  const rename = ctx.resource.rename;
  const params: MethodParam[] = [];
  const requestParameters: Record<string, string> = {};
  const bp = backendSegments(route);
  for (const s of bp) {
    if (s.kind === 'param') requestParameters[`integration.request.path.${s.name}`] = `method.request.path.${rename[s.name] ?? s.name}`;
  }
  const tpl = route.templates;
  const found: { in: 'path' | 'query' | 'header'; name: string }[] = [];
  for (const [h, v] of Object.entries(tpl?.setHeaders ?? {})) requestParameters[`integration.request.header.${h}`] = nativeSource(v, rename, found)!;
  for (const [q, v] of Object.entries(tpl?.setQuery ?? {})) requestParameters[`integration.request.querystring.${q}`] = nativeSource(v, rename, found)!;
  params.push(...found.map((p) => ({ ...p, required: false })));
  const uriPath = bp.length ? uriTemplate(bp) : '';
  return {
    params,
    proxied: true,
    integration: {
      type: 'http_proxy',
      httpMethod: route.method,
      uri: `${b?.base ?? ''}${uriPath}`,
      passthroughBehavior: 'when_no_match',
      timeoutInMillis: route.timeoutMs,
      ...(Object.keys(requestParameters).length ? { requestParameters: sortKeys(requestParameters) } : {}),
    },
  };
}

export const emitBackend: RouteEmitter = (route, ctx) => {
  const backend = ctx.spec.backends[route.backend];
  if (backend.type === 'mock') return mockIntegration(route, backend, ctx);
  if (backend.type === 'function') {
    // Header and query values parameter mapping can express are mapped on the proxy integration
    // too (transform.ts sends the others through the transform function); without this they were
    // dropped for function backends.
    const tpl = route.templates;
    const found: { in: 'path' | 'query' | 'header'; name: string }[] = [];
    const requestParameters: Record<string, string> = {};
    for (const [h, v] of Object.entries(tpl?.setHeaders ?? {})) requestParameters[`integration.request.header.${h}`] = nativeSource(v, ctx.resource.rename, found)!;
    for (const [q, v] of Object.entries(tpl?.setQuery ?? {})) requestParameters[`integration.request.querystring.${q}`] = nativeSource(v, ctx.resource.rename, found)!;
    return {
      ...(found.length ? { params: found.map((p) => ({ ...p, required: false })) } : {}),
      proxied: true,
      bindings: [backend.binding],
      integration: {
        type: 'aws_proxy',
        httpMethod: 'POST',
        uri: lambdaUri(functionStageVariable(backend.binding)),
        passthroughBehavior: 'when_no_match',
        timeoutInMillis: route.timeoutMs,
        ...(Object.keys(requestParameters).length ? { requestParameters: sortKeys(requestParameters) } : {}),
      },
    };
  }
  return httpIntegration(route, ctx);
};
