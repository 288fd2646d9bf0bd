/**
 * The gateway's own errors on API Management (lib/model/error-contract.ts). Two kinds reach the
 * caller:
 * - answers anygate's policies build in inbound (`return-response`: no key, bad custom
 *   credential, missing scope): `gatewayError` writes their status and body;
 * - errors APIM raises (validate-jwt, rate-limit, quota, ip-filter, subscription keys, backend
 *   timeouts), which jump to on-error with `context.LastError` and `context.Response.StatusCode`
 *   set (learn.microsoft.com/azure/api-management/api-management-error-handling-policies):
 *   `onErrorSection` maps Reason/status to the contract's code, then answers its status (quota's
 *   403 becomes 429) and body with return-response (APIM's own Retry-After does not survive it).
 *
 * With `errors: native` both keep APIM's own answers, as before the contract existed.
 */
import { CODE_BY_STATUS, ERROR_CONTRACT, errorBodyTemplate, type ErrorCode } from '../../../lib/model/error-contract';
import type { GatewaySpec } from '../../../lib/model/types';
import { csString, policyJson } from '../expressions';
import { el, shared, type XNode } from '../xml';
import { corsOnError, corsResponseHeaders } from './cors';

const REQUEST_ID = '\u0000';

/**
 * The expressions below read the error contract alone (constants): each is made once per process,
 * not once per compile (the on-error ones were a sixth of compiling a one-route spec).
 */
const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};
const bodyExprs = new Map<ErrorCode, string>();

/** A C# expression: the contract's body for `code` with this request's id. */
function bodyExpr(code: ErrorCode): string {
  let expr = bodyExprs.get(code);
  if (expr === undefined) {
    const [before, after] = errorBodyTemplate(code, REQUEST_ID).split(REQUEST_ID);
    bodyExprs.set(code, (expr = `@(${csString(before!)} + context.RequestId.ToString() + ${csString(after!)})`));
  }
  return expr;
}

const REASON_PHRASE: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 504: 'Gateway Timeout' };

/**
 * A JSON error the gateway answers itself (in inbound), with the CORS headers. Every route's
 * policy holds a few of these: one shared node per spec and code (written once: ../xml `shared`).
 */
export function gatewayError(code: ErrorCode, spec: GatewaySpec): XNode {
  let byCode = gatewayErrors.get(spec);
  if (!byCode) gatewayErrors.set(spec, (byCode = new Map()));
  let node = byCode.get(code);
  if (!node) byCode.set(code, (node = shared(buildGatewayError(code, spec))));
  return node;
}

const gatewayErrors = new WeakMap<GatewaySpec, Map<ErrorCode, XNode>>();

/**
 * `<choose><when condition>` answering the gateway error `code`: the refusals routes share (a
 * repeated credential, no subscription, a missing scope), one shared node per spec, code and
 * condition.
 */
export function refuseWhen(condition: string, code: ErrorCode, spec: GatewaySpec): XNode {
  let byCondition = refusalNodes.get(spec);
  if (!byCondition) refusalNodes.set(spec, (byCondition = new Map()));
  const key = `${code} ${condition}`;
  let node = byCondition.get(key);
  if (!node) byCondition.set(key, (node = shared(el('choose', {}, el('when', { condition }, gatewayError(code, spec))))));
  return node;
}

const refusalNodes = new WeakMap<GatewaySpec, Map<string, XNode>>();

function buildGatewayError(code: ErrorCode, spec: GatewaySpec): XNode {
  const { status, message } = ERROR_CONTRACT[code];
  const native = spec.errors === 'native';
  return el(
    'return-response',
    {},
    el('set-status', { code: status, reason: REASON_PHRASE[status] ?? 'Error' }),
    el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, 'application/json')),
    ...corsResponseHeaders(spec.cors),
    // Native: the `{"message"}` bodies anygate's policies answered before the contract.
    el('set-body', {}, native ? policyJson({ message: REASON_PHRASE[status] ?? message }) : bodyExpr(code)),
  );
}

/** The variable holding the contract's code for the error being handled. */
const CODE_VARIABLE = 'anygate-error-code';

/**
 * The C# that names the error: APIM's documented Reasons first, then the status it set. Every
 * branch yields a code of the contract (the table below is the one place the mapping lives).
 */
const codeExpr = once((): string => {
  const reasons: [string, ErrorCode][] = [
    ['RateLimitExceeded', 'rate_limited'],
    ['QuotaExceeded', 'quota_exceeded'],
    ['OperationNotFound', 'not_found'],
    ['Timeout', 'gateway_timeout'],
    ['BackendConnectionFailure', 'bad_gateway'],
  ];
  const lines = [
    'var reason = context.LastError.Reason ?? "";',
    'var source = context.LastError.Source ?? "";',
    'var status = context.Response.StatusCode;',
    ...reasons.map(([r, c]) => `if (reason == ${csString(r)}) { return ${csString(c)}; }`),
    // validate-jwt and the subscription-key step refuse a credential: 401 whatever they set.
    `if (source == "validate-jwt" || source == "authorization") { return "unauthorized"; }`,
    ...CODE_BY_STATUS.map(([s, c]) => `if (status == ${s}) { return ${csString(c)}; }`),
    `return status < 500 ? "bad_request" : "internal_error";`,
  ];
  return `@{ ${lines.join(' ')} }`;
});

/** The status of the code in `CODE_VARIABLE`, as a C# expression. */
const statusExpr = once((): string => {
  const pairs = (Object.keys(ERROR_CONTRACT) as ErrorCode[]).map((c) => `code == ${csString(c)} ? ${ERROR_CONTRACT[c].status}`);
  return `@{ var code = (string)context.Variables[${csString(CODE_VARIABLE)}]; return ${pairs.join(' : ')} : 500; }`;
});

/** The body of the code in `CODE_VARIABLE`, as a C# expression (each code's body from the one template). */
const onErrorBodyExpr = once((): string => {
  const body = (c: ErrorCode) => {
    const [before, after] = errorBodyTemplate(c, REQUEST_ID).split(REQUEST_ID);
    return `${csString(before!)} + id + ${csString(after!)}`;
  };
  // internal_error last: the branch any code the table above does not name would take.
  const codes = [...(Object.keys(ERROR_CONTRACT) as ErrorCode[]).filter((c) => c !== 'internal_error'), 'internal_error' as const];
  const chain = codes.slice(0, -1).map((c) => `code == ${csString(c)} ? ${body(c)} : `).join('') + body(codes[codes.length - 1]!);
  return `@{ var code = (string)context.Variables[${csString(CODE_VARIABLE)}]; var id = context.RequestId.ToString(); return ${chain}; }`;
});

/**
 * The API's on-error section. `set-body` is not allowed in on-error (only set-status, set-header,
 * set-variable, return-response...: api-management-error-handling-policies), so the contract's
 * answer is a `return-response` built whole: status, Content-Type, the CORS headers and the body.
 * The status is set on context.Response first, so `trace` (the access log) records what the caller
 * gets; return-response ends the section, so the trace comes before it.
 * With `errors: native`: the CORS headers on APIM's own error response, then the trace.
 */
export function onErrorSection(spec: GatewaySpec, trace: XNode[]): XNode[] {
  if (spec.errors === 'native') return [...corsOnError(spec.cors), ...trace];
  const fixed = onErrorNodes();
  return [
    fixed.setCode,
    fixed.setStatus,
    ...trace,
    el('return-response', {}, fixed.answerStatus, fixed.contentType, ...corsResponseHeaders(spec.cors), fixed.body),
  ];
}

/** The on-error nodes that read nothing of the spec: one shared node each (their text, some kilobytes of escaped C#, written once). */
const onErrorNodes = once(() => ({
  setCode: shared(el('set-variable', { name: CODE_VARIABLE, value: codeExpr() })),
  setStatus: shared(el('set-status', { code: statusExpr(), reason: 'Error' })),
  // The status the set-status above gave context.Response.
  answerStatus: shared(el('set-status', { code: '@(context.Response.StatusCode)', reason: 'Error' })),
  contentType: shared(el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, 'application/json'))),
  body: shared(el('set-body', {}, onErrorBodyExpr())),
}));
