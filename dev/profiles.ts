/**
 * What each cloud answers when the gateway itself refuses a request: status code, body and
 * headers, per profile. The bodies are the ones each gateway documents or emits:
 * - AWS: API Gateway's default gateway responses (`{"message": ...}`), e.g. UNAUTHORIZED 401,
 *   ACCESS_DENIED 403 (`{"Message": "User is not authorized to access this resource with an
 *   explicit deny"}`), MISSING_AUTHENTICATION_TOKEN 403 for a path no resource matches,
 *   THROTTLED 429 "Too Many Requests", QUOTA_EXCEEDED 429 "Limit Exceeded",
 *   INTEGRATION_TIMEOUT 504 "Endpoint request timed out"
 *   (docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
 * - Azure: APIM's `{"statusCode": N, "message": ...}` errors: rate-limit 429 with Retry-After,
 *   quota 403 "Out of call volume quota", 404 "Resource not found"; 401/403 from the policies
 *   anygate emits (validate-jwt failed-validation-httpcode 401).
 * - Apigee: `{"fault": {"faultstring", "detail": {"errorcode"}}}` faults: SpikeArrestViolation
 *   and QuotaViolation 429, AccessControl IPDeniedAccess 403; 401/403/404 from the RaiseFault
 *   policies anygate emits (`{"message": ...}`).
 * - Kubernetes (Envoy Gateway): Envoy's local replies, plain text: see kubernetesRefusal.
 */

import { ERROR_CONTRACT, errorBody, type ErrorCode } from '../lib/model/error-contract';
import { kubernetesRefusal } from './profile-kubernetes';
import { contractProbe } from './probes';
import type { GatewayResponse, Profile, Refusal, RefusalContext } from './refusal-types';

export type { Profile } from './refusal-types';
/** The cloud profiles, which every example runs on. */
export const PROFILES: readonly Profile[] = ['aws', 'azure', 'apigee'];
/** Every profile `--profile` takes; kubernetes (Envoy Gateway) refuses some examples' features at start. */
export const ALL_PROFILES: readonly Profile[] = [...PROFILES, 'kubernetes'];

export type { GatewayResponse, Refusal, RefusalContext } from './refusal-types';

const JSON_TYPE = 'application/json';

function json(status: number, body: unknown, headers: Record<string, string> = {}): GatewayResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

function aws(r: Refusal, c: RefusalContext): GatewayResponse {
  const h = { 'x-amzn-errortype': '' };
  switch (r) {
    case 'unauthorized':
      return json(401, { message: 'Unauthorized' }, { ...h, 'x-amzn-errortype': 'UnauthorizedException' });
    case 'forbiddenScope':
      return json(403, { Message: 'User is not authorized to access this resource with an explicit deny' }, { 'x-amzn-errortype': 'AccessDeniedException' });
    case 'missingApiKey':
    case 'invalidApiKey':
      return json(403, { message: 'Forbidden' }, { 'x-amzn-errortype': 'ForbiddenException' });
    case 'noRoute':
    case 'methodNotAllowed':
      return json(403, { message: 'Missing Authentication Token' }, { 'x-amzn-errortype': 'MissingAuthenticationTokenException' });
    case 'ipDenied':
      return json(403, { Message: `User: anonymous is not authorized to perform: execute-api:Invoke on resource with an explicit deny` }, { 'x-amzn-errortype': 'AccessDeniedException' });
    case 'tooLarge':
      return json(413, { message: 'Request Too Long' });
    case 'unsupportedMediaType':
      return json(415, { message: 'Unsupported Media Type' }, { 'x-amzn-errortype': 'UnsupportedMediaTypeException' });
    case 'badRequest':
      return json(400, { message: c.detail ?? 'Invalid request body' }, { 'x-amzn-errortype': 'BadRequestException' });
    case 'rateLimited':
      return json(429, { message: 'Too Many Requests' }, { 'x-amzn-errortype': 'TooManyRequestsException' });
    case 'quotaExceeded':
      return json(429, { message: 'Limit Exceeded' }, { 'x-amzn-errortype': 'LimitExceededException' });
    case 'badGateway':
      return json(502, { message: 'Internal server error' });
    case 'timeout':
      return json(504, { message: 'Endpoint request timed out' });
    case 'internal':
      return json(500, { message: 'Internal server error' });
  }
}

function azure(r: Refusal, c: RefusalContext): GatewayResponse {
  const e = (status: number, message: string, headers: Record<string, string> = {}) => json(status, { statusCode: status, message }, headers);
  switch (r) {
    case 'unauthorized':
      return json(401, { message: 'Unauthorized' });
    case 'forbiddenScope':
      return json(403, { message: 'Forbidden' });
    case 'missingApiKey':
      return e(401, 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.');
    case 'invalidApiKey':
      return e(401, 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.');
    case 'noRoute':
    case 'methodNotAllowed':
      return e(404, 'Resource not found');
    case 'ipDenied':
      return e(403, `The client IP address ${c.clientIp ?? ''} is not allowed`);
    case 'tooLarge':
      return e(413, 'Request entity too large');
    case 'unsupportedMediaType':
      return e(415, 'Unsupported media type');
    case 'badRequest':
      return e(400, c.detail ?? 'Bad request');
    case 'rateLimited':
      return e(429, `Rate limit is exceeded. Try again in ${c.retryAfterSeconds ?? 1} seconds.`, { 'retry-after': String(c.retryAfterSeconds ?? 1) });
    case 'quotaExceeded':
      return e(403, `Out of call volume quota. Quota will be replenished in ${hms(c.retryAfterSeconds ?? 0)}.`, { 'retry-after': String(c.retryAfterSeconds ?? 0) });
    case 'badGateway':
      return e(502, 'Bad gateway');
    case 'timeout':
      return e(504, 'Gateway timeout');
    case 'internal':
      return e(500, 'Internal server error');
  }
}

function hms(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}

function apigee(r: Refusal, c: RefusalContext): GatewayResponse {
  const fault = (status: number, faultstring: string, errorcode: string) => json(status, { fault: { faultstring, detail: { errorcode } } });
  switch (r) {
    case 'unauthorized':
      return json(401, { message: 'Unauthorized' });
    case 'forbiddenScope':
      return json(403, { message: 'Forbidden' });
    case 'missingApiKey':
      return fault(401, 'Failed to resolve API Key variable request.header.x-api-key', 'steps.oauth.v2.FailedToResolveAPIKey');
    case 'invalidApiKey':
      return fault(401, 'Invalid ApiKey', 'oauth.v2.InvalidApiKey');
    case 'noRoute':
    case 'methodNotAllowed':
      return json(404, { message: 'Not Found' });
    case 'ipDenied':
      return fault(403, `Access Denied for client ip : ${c.clientIp ?? ''}`, 'accesscontrol.IPDeniedAccess');
    case 'tooLarge':
      return fault(413, 'Body buffer overflow', 'protocol.http.TooBigBody');
    case 'unsupportedMediaType':
      return fault(415, 'Unsupported Media Type', 'steps.oasvalidation.UnsupportedContentType');
    case 'badRequest':
      return json(400, { message: c.detail ? `Bad Request: ${c.detail}` : 'Bad Request' });
    case 'rateLimited':
      return fault(429, 'Spike arrest violation', 'policies.ratelimit.SpikeArrestViolation');
    case 'quotaExceeded':
      return fault(429, 'Rate limit quota violation. Quota limit exceeded.', 'policies.ratelimit.QuotaViolation');
    case 'badGateway':
      return fault(502, 'Bad Gateway', 'messaging.adaptors.http.flow.BadGateway');
    case 'timeout':
      return fault(504, 'Gateway Timeout', 'messaging.adaptors.http.flow.GatewayTimeout');
    case 'internal':
      return fault(500, 'Internal Server Error', 'messaging.runtime.UnknownError');
  }
}

/** The response `profile`'s gateway gives for a refusal. */
export function refusal(profile: Profile, r: Refusal, c: RefusalContext = {}): GatewayResponse {
  const res = profile === 'aws' ? aws(r, c) : profile === 'azure' ? azure(r, c) : profile === 'kubernetes' ? kubernetesRefusal(r, c) : apigee(r, c);
  const headers = Object.fromEntries(Object.entries(res.headers).filter(([, v]) => v !== ''));
  return c.errors === 'anygate' ? contractRefusal(profile, r, { ...res, headers }, c) : { ...res, headers };
}

/** The error contract's code for each refusal (lib/model/error-contract.ts). */
const CONTRACT_CODE: Readonly<Record<Refusal, ErrorCode>> = {
  unauthorized: 'unauthorized',
  forbiddenScope: 'forbidden',
  missingApiKey: 'unauthorized',
  invalidApiKey: 'unauthorized',
  noRoute: 'not_found',
  methodNotAllowed: 'not_found',
  ipDenied: 'forbidden',
  tooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  badRequest: 'bad_request',
  rateLimited: 'rate_limited',
  quotaExceeded: 'quota_exceeded',
  badGateway: 'bad_gateway',
  timeout: 'gateway_timeout',
  internal: 'internal_error',
};

/** Headers of the cloud's own answer that the contract's emitters leave on the response. */
const KEPT_HEADERS = ['retry-after', 'www-authenticate', 'x-envoy-ratelimited', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];

/**
 * The contract's answer as `profile`'s deployed gateway gives it: the same status and body on
 * every profile, with the headers the target's own error carried (Envoy's WWW-Authenticate and
 * x-ratelimit-*; none on Azure, whose contract answer is built whole). Where the target's
 * `errors.contract` record names a difference (dev/probes.ts contractProbe), the answer follows it:
 * a quota refused with another code (Envoy cannot tell it from a rate limit), a path no route
 * matches answered by the platform itself (`errorCode: null`: the native answer).
 */
function contractRefusal(profile: Profile, r: Refusal, native: GatewayResponse, c: RefusalContext): GatewayResponse {
  const situation = r === 'noRoute' || r === 'methodNotAllowed' ? 'unmatched path' : r === 'quotaExceeded' ? 'quota exhausted' : undefined;
  const probe = situation && contractProbe(profile, situation);
  if (probe?.errorCode === null) return native;
  const code = probe?.errorCode ?? CONTRACT_CODE[r];
  const headers: Record<string, string> = { 'content-type': JSON_TYPE };
  // APIM's answer is a return-response built whole (emit/errors.ts): none of its own headers stay.
  if (profile !== 'azure') for (const h of KEPT_HEADERS) if (native.headers[h] !== undefined) headers[h] = native.headers[h]!;
  return { status: ERROR_CONTRACT[code].status, headers, body: errorBody(code, c.requestId ?? '') };
}
