/**
 * The one error contract: what a caller sees when the gateway itself refuses a request (not when
 * the backend answers an error, which passes through unchanged). With `errors: anygate` (the
 * default) every target answers the same status for the same reason and the same JSON body,
 *
 *   {"error":{"code":"rate_limited","message":"Too many requests","requestId":"..."}}
 *
 * emitted through the target's own mechanism (API Gateway gateway responses, an APIM on-error
 * section, Apigee fault rules, Envoy Gateway response overrides) and answered by `anygate dev`.
 * `errors: native` keeps each cloud's own answers (status codes, bodies and headers differ).
 *
 * The codes, statuses and messages below are fixed text chosen here, never spec strings, so the
 * emitters may place them in VTL, XML, C# and message templates as they are; each still builds
 * the body through this module, so the bytes are the same on every target.
 */

/** Why the gateway refused, as the body's `error.code` says it. */
export type ErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'internal_error'
  | 'bad_gateway'
  | 'gateway_timeout';

export interface ErrorEntry {
  readonly status: number;
  readonly message: string;
}

/**
 * Status and message per code. 401: no credential, or one that is not valid (missing or unknown
 * key, bad or expired token); 403: a valid caller without permission (scope, IP rule). Quota and
 * rate limit are both 429 (Azure's native quota answer is 403).
 */
export const ERROR_CONTRACT: Readonly<Record<ErrorCode, ErrorEntry>> = {
  unauthorized: { status: 401, message: 'Unauthorized' },
  forbidden: { status: 403, message: 'Forbidden' },
  not_found: { status: 404, message: 'Not found' },
  bad_request: { status: 400, message: 'Bad request' },
  payload_too_large: { status: 413, message: 'Payload too large' },
  unsupported_media_type: { status: 415, message: 'Unsupported media type' },
  rate_limited: { status: 429, message: 'Too many requests' },
  quota_exceeded: { status: 429, message: 'Quota exceeded' },
  internal_error: { status: 500, message: 'Internal error' },
  bad_gateway: { status: 502, message: 'Bad gateway' },
  gateway_timeout: { status: 504, message: 'Gateway timeout' },
};

export const ERROR_CODES = Object.keys(ERROR_CONTRACT) as ErrorCode[];

/** The error modes a spec may choose. */
export const ERROR_MODES = ['anygate', 'native'] as const;
export type ErrorMode = (typeof ERROR_MODES)[number];

/**
 * The body for `code`, with the request id as `requestId` names it in the target's language (an
 * expression or template the caller substitutes: `$context.requestId`, `{messageid}`...). The
 * result is JSON text only once the target substitutes the id as a JSON string's contents.
 * @param requestId the id's text in the target's language; it is placed inside the quotes as given
 */
export function errorBodyTemplate(code: ErrorCode, requestId: string): string {
  return `{"error":{"code":"${code}","message":"${ERROR_CONTRACT[code].message}","requestId":"${requestId}"}}`;
}

/** The body for `code` as JSON text, with a concrete request id (dev, tests). */
export function errorBody(code: ErrorCode, requestId: string): string {
  return JSON.stringify({ error: { code, message: ERROR_CONTRACT[code].message, requestId } });
}

/**
 * The code for an error status a gateway set, where the gateway says no more than the status
 * (Apigee faults, APIM errors without a documented Reason, Envoy's local replies). 429 is
 * `rate_limited`: where a quota's refusal can be told apart, the target's emitter names it first.
 */
export const CODE_BY_STATUS: readonly (readonly [number, ErrorCode])[] = [
  [400, 'bad_request'],
  [401, 'unauthorized'],
  [403, 'forbidden'],
  [404, 'not_found'],
  [405, 'not_found'],
  [413, 'payload_too_large'],
  [415, 'unsupported_media_type'],
  [429, 'rate_limited'],
  [502, 'bad_gateway'],
  [503, 'bad_gateway'],
  [504, 'gateway_timeout'],
];

/** The code for any error status: the table above, else by class. */
export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS.find(([s]) => s === status)?.[1] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}
