/**
 * CORS on API Gateway REST: an OPTIONS mock method per resource answers preflights, gateway
 * responses add the headers to errors API Gateway itself returns (401, 403, 429, 5xx), and mock
 * integrations add them to the responses they write. Proxy integrations pass the backend's response
 * through untouched, so actual responses carry CORS headers only when the backend (or the generated
 * transform) adds them. Origins reach VTL only through vtl.ts, after the origin grammar check.
 */
import { CONCRETE_METHODS as MODEL_METHODS, preflightMethods } from '../../lib/model/cors';
import type { CorsSpec } from '../../lib/model/types';
import { vtlEchoAllowedOrigin, vtlLiteral } from './vtl';
import { targetWarning } from '../../lib/capabilities/warnings';

/** The methods a request can use, as API Gateway's ANY method matches them (sorted). */
export const CONCRETE_METHODS = [...MODEL_METHODS].sort();


/** An origin as a static header value (single-quoted, like a VTL literal; checked by the origin grammar upstream). */
const staticValue = vtlLiteral;

/**
 * CORS headers for a response the gateway writes itself (mock integrations): static values, and
 * for several origins a VTL prefix that echoes the Origin only when it is listed.
 */
export function corsActualResponse(cors: CorsSpec): { headers: Record<string, string>; template: string } {
  const headers: Record<string, string> = { Vary: "'Origin'" };
  let template = '';
  if (cors.allowOrigins.length === 1) headers['Access-Control-Allow-Origin'] = cors.allowOrigins[0] === '*' ? "'*'" : staticValue(cors.allowOrigins[0]);
  else template = vtlEchoAllowedOrigin(cors.allowOrigins);
  if (cors.allowCredentials) headers['Access-Control-Allow-Credentials'] = "'true'";
  if (cors.exposeHeaders.length) headers['Access-Control-Expose-Headers'] = `'${cors.exposeHeaders.join(',')}'`;
  return { headers, template };
}

/** Header names a CORS response can carry (for method response declarations). */
export function corsHeaderNames(cors: CorsSpec): string[] {
  const { headers } = corsActualResponse(cors);
  return [...new Set([...Object.keys(headers), 'Access-Control-Allow-Origin'])].sort();
}

/** The OPTIONS operation answering preflights for a resource. */
export function preflightOperation(cors: CorsSpec, methodsOnPath: string[], params: { name: string; in: string; required: boolean; schema: { type: string } }[]): Record<string, unknown> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Methods': `'${preflightMethods(cors, methodsOnPath).join(',')}'`,
    'Access-Control-Allow-Headers': `'${cors.allowHeaders.join(',')}'`,
    'Access-Control-Max-Age': `'${cors.maxAgeSeconds}'`,
    Vary: "'Origin'",
  };
  if (cors.allowCredentials) headers['Access-Control-Allow-Credentials'] = "'true'";
  let template = '';
  if (cors.allowOrigins.length === 1) headers['Access-Control-Allow-Origin'] = cors.allowOrigins[0] === '*' ? "'*'" : staticValue(cors.allowOrigins[0]);
  else template = vtlEchoAllowedOrigin(cors.allowOrigins);
  const declared = [...new Set([...Object.keys(headers), 'Access-Control-Allow-Origin'])].sort();
  return {
    summary: 'CORS preflight',
    ...(params.length ? { parameters: params } : {}),
    responses: { '204': { description: 'CORS preflight', headers: Object.fromEntries(declared.map((h) => [h, { schema: { type: 'string' } }])) } },
    'x-amazon-apigateway-integration': {
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 204}' },
      passthroughBehavior: 'when_no_match',
      // With binary media types such as */*, a mock's request is not text unless converted.
      contentHandling: 'CONVERT_TO_TEXT',
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

/** The CORS headers of API Gateway's own 4XX and 5XX answers (gateway responses, errors.ts). */
export function corsResponseParameters(cors: CorsSpec, warnings: string[]): Record<string, string> {
  const params: Record<string, string> = { 'gatewayresponse.header.Vary': "'Origin'" };
  if (cors.allowOrigins.length === 1) params['gatewayresponse.header.Access-Control-Allow-Origin'] = cors.allowOrigins[0] === '*' ? "'*'" : staticValue(cors.allowOrigins[0]);
  else if (!cors.allowCredentials) params['gatewayresponse.header.Access-Control-Allow-Origin'] = 'method.request.header.Origin';
  else {
    // Gateway responses cannot test the Origin; echoing it with credentials would trust every site.
    warnings.push(targetWarning('aws-cors-error-responses', 'CORS: with several origins and credentials, API Gateway error responses (401, 403, 429, 5xx) carry no Access-Control-Allow-Origin, so browsers report them as CORS failures'));
  }
  if (cors.allowCredentials) params['gatewayresponse.header.Access-Control-Allow-Credentials'] = "'true'";
  if (cors.exposeHeaders.length) params['gatewayresponse.header.Access-Control-Expose-Headers'] = `'${cors.exposeHeaders.join(',')}'`;
  return params;
}
