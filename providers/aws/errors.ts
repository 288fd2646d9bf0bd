/**
 * The gateway's own errors on API Gateway (lib/model/error-contract.ts): one gateway response per
 * response type API Gateway documents (developerguide/supported-gateway-response-types.html),
 * each with the contract's status and body. The body template is not VTL; API Gateway substitutes
 * `$context` variables in it, so the request id is `$context.requestId`.
 *
 * DEFAULT_4XX / DEFAULT_5XX keep their status (a status there would override every other type's,
 * by API Gateway's rules) and catch response types added after this table. With `errors: native`
 * only the CORS headers are added, on the two defaults, as before the contract existed.
 */
import { ERROR_CONTRACT, errorBodyTemplate, type ErrorCode } from '../../lib/model/error-contract';
import type { GatewaySpec } from '../../lib/model/types';
import { corsResponseParameters } from './cors';

/** Each documented response type, and the contract's code for it. */
const RESPONSE_TYPES: Readonly<Record<string, ErrorCode>> = {
  ACCESS_DENIED: 'forbidden',
  API_CONFIGURATION_ERROR: 'internal_error',
  AUTHORIZER_CONFIGURATION_ERROR: 'internal_error',
  AUTHORIZER_FAILURE: 'internal_error',
  BAD_REQUEST_BODY: 'bad_request',
  BAD_REQUEST_PARAMETERS: 'bad_request',
  // An expired or unsigned AWS credential: the caller has no valid credential.
  EXPIRED_TOKEN: 'unauthorized',
  INTEGRATION_FAILURE: 'bad_gateway',
  INTEGRATION_TIMEOUT: 'gateway_timeout',
  // A missing or unknown API key.
  INVALID_API_KEY: 'unauthorized',
  INVALID_SIGNATURE: 'unauthorized',
  // No resource or method matches (anygate emits no IAM-authorized methods).
  MISSING_AUTHENTICATION_TOKEN: 'not_found',
  QUOTA_EXCEEDED: 'quota_exceeded',
  REQUEST_TOO_LARGE: 'payload_too_large',
  RESOURCE_NOT_FOUND: 'not_found',
  THROTTLED: 'rate_limited',
  UNAUTHORIZED: 'unauthorized',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  WAF_FILTERED: 'forbidden',
};

const DEFAULTS: Readonly<Record<string, ErrorCode>> = { DEFAULT_4XX: 'bad_request', DEFAULT_5XX: 'internal_error' };

/** `x-amazon-apigateway-gateway-responses`, or undefined when nothing differs from API Gateway's own. */
export function gatewayResponses(spec: GatewaySpec, warnings: string[]): Record<string, unknown> | undefined {
  const params = spec.cors ? corsResponseParameters(spec.cors, warnings) : undefined;
  const withParams = params ? { responseParameters: params } : {};
  if (spec.errors === 'native') return params ? { DEFAULT_4XX: withParams, DEFAULT_5XX: withParams } : undefined;
  const template = (code: ErrorCode) => ({ responseTemplates: { 'application/json': errorBodyTemplate(code, '$context.requestId') } });
  const out: Record<string, unknown> = {};
  for (const [type, code] of Object.entries(DEFAULTS)) out[type] = { ...withParams, ...template(code) };
  for (const [type, code] of Object.entries(RESPONSE_TYPES)) out[type] = { statusCode: String(ERROR_CONTRACT[code].status), ...withParams, ...template(code) };
  return out;
}
