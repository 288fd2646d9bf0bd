/**
 * CORS on API Gateway REST: an OPTIONS mock method per resource answers preflights, and gateway
 * responses add the headers to errors API Gateway itself returns (401, 403, 429, 5xx), so browsers
 * can read them. Proxy integrations pass the backend's response through untouched, so actual
 * responses carry CORS headers only when the backend (or the generated transform) adds them.
 */
import type { CorsSpec } from '../../lib/model/types';

/** Methods allowed on one resource, as the preflight answers them. */
function allowMethods(cors: CorsSpec, methodsOnPath: string[]): string {
  const set = new Set<string>();
  for (const m of methodsOnPath) {
    if (m === 'ANY') cors.allowMethods.filter((x) => x !== 'ANY').forEach((x) => set.add(x));
    else if (cors.allowMethods.includes(m as never) || cors.allowMethods.includes('ANY')) set.add(m);
  }
  set.add('OPTIONS');
  return [...set].sort().join(',');
}

/** The OPTIONS operation answering preflights for a resource. */
export function preflightOperation(cors: CorsSpec, methodsOnPath: string[], params: { name: string; in: string; required: boolean; schema: { type: string } }[]): Record<string, unknown> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Methods': `'${allowMethods(cors, methodsOnPath)}'`,
    'Access-Control-Allow-Headers': `'${cors.allowHeaders.join(',')}'`,
    'Access-Control-Max-Age': `'${cors.maxAgeSeconds}'`,
    Vary: "'Origin'",
  };
  if (cors.allowCredentials) headers['Access-Control-Allow-Credentials'] = "'true'";
  let template = '';
  if (cors.allowOrigins.length === 1) headers['Access-Control-Allow-Origin'] = `'${cors.allowOrigins[0]}'`;
  else {
    // Several origins: echo the request's Origin only when it is one of them (origins are
    // validated to scheme://host[:port], so they are safe inside VTL string literals).
    const test = cors.allowOrigins.map((o) => `$origin == "${o}"`).join(' || ');
    template = `#set($origin = $input.params().header.get('Origin'))\n#if(${test})\n#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n#end`;
  }
  return {
    operationId: undefined,
    summary: 'CORS preflight',
    ...(params.length ? { parameters: params } : {}),
    responses: { '204': { description: 'CORS preflight', headers: Object.fromEntries(Object.keys(headers).sort().concat(cors.allowOrigins.length === 1 ? [] : ['Access-Control-Allow-Origin']).map((h) => [h, { schema: { type: 'string' } }])) } },
    'x-amazon-apigateway-integration': {
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 204}' },
      passthroughBehavior: 'when_no_match',
      responses: {
        default: {
          statusCode: '204',
          responseParameters: Object.fromEntries(Object.keys(headers).sort().map((h) => [`method.response.header.${h}`, headers[h]])),
          responseTemplates: { 'application/json': template },
        },
      },
    },
  };
}

/** Gateway responses carrying CORS headers on API Gateway's own 4XX and 5XX answers. */
export function corsGatewayResponses(cors: CorsSpec, warnings: string[]): Record<string, unknown> {
  const params: Record<string, string> = { 'gatewayresponse.header.Vary': "'Origin'" };
  if (cors.allowOrigins.length === 1) params['gatewayresponse.header.Access-Control-Allow-Origin'] = `'${cors.allowOrigins[0]}'`;
  else if (!cors.allowCredentials) params['gatewayresponse.header.Access-Control-Allow-Origin'] = 'method.request.header.Origin';
  else {
    // Gateway responses cannot test the Origin; echoing it with credentials would trust every site.
    warnings.push('CORS: with several origins and credentials, API Gateway error responses (401, 403, 429, 5xx) carry no Access-Control-Allow-Origin, so browsers report them as CORS failures');
  }
  if (cors.allowCredentials) params['gatewayresponse.header.Access-Control-Allow-Credentials'] = "'true'";
  if (cors.exposeHeaders.length) params['gatewayresponse.header.Access-Control-Expose-Headers'] = `'${cors.exposeHeaders.join(',')}'`;
  return {
    DEFAULT_4XX: { responseParameters: params },
    DEFAULT_5XX: { responseParameters: params },
  };
}
