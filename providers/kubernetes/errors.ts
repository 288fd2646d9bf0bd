/**
 * The gateway's own errors on Envoy Gateway (lib/model/error-contract.ts): BackendTrafficPolicy
 * `responseOverride` rules with `source: Local`, so only Envoy's own replies (jwt_authn, API key
 * and RBAC refusals, rate limits, timeouts, no healthy upstream) get the contract's status and
 * body; backend responses pass through. The body is an Envoy format string: `%REQ(X-REQUEST-ID)%`
 * is the id Envoy generated for the request (an edge proxy replaces a client's own by default).
 *
 * Envoy Gateway applies one BackendTrafficPolicy per target and a policy on a route rule wins
 * over one on its whole HTTPRoute, so the rules go into every rule policy anygate emits and into
 * one policy per HTTPRoute for the other rules (compile.ts).
 */
import { CODE_BY_STATUS, ERROR_CONTRACT, errorBodyTemplate, type ErrorCode } from '../../lib/model/error-contract';
import { sharedSubtree } from './shared';
import type { GatewaySpec } from '../../lib/model/types';

const JSON_TYPE = 'application/json';

/** Envoy's id of the request, as a format-string operator (bodies of response overrides and direct responses). */
export const ENVOY_REQUEST_ID = '%REQ(X-REQUEST-ID)%';

function rule(match: Record<string, unknown>, code: ErrorCode, from?: number): Record<string, unknown> {
  const status = ERROR_CONTRACT[code].status;
  return {
    source: 'Local',
    match: { statusCodes: [match] },
    response: { contentType: JSON_TYPE, body: { type: 'Inline', inline: errorBodyTemplate(code, ENVOY_REQUEST_ID) }, ...(from === status ? {} : { statusCode: status }) },
  };
}

/**
 * The contract's `responseOverride` rules: the same for every policy (they depend on nothing in
 * the spec), so built once and shared, frozen, by the policies of every route and stage; the
 * writer writes their text once per indentation (shared.ts).
 */
let contractRules: readonly Record<string, unknown>[] | undefined;

/** The `responseOverride` rules of the contract, or undefined with `errors: native`. */
export function errorOverrides(spec: GatewaySpec): Record<string, unknown>[] | undefined {
  if (spec.errors === 'native') return undefined;
  contractRules ??= sharedSubtree([
    ...CODE_BY_STATUS.map(([s, code]) => rule({ type: 'Value', value: s }, code, s)),
    // Any other status Envoy itself answers: the contract's code for its class.
    rule({ type: 'Range', range: { start: 400, end: 499 } }, 'bad_request'),
    rule({ type: 'Range', range: { start: 500, end: 599 } }, 'internal_error'),
  ]);
  return contractRules as Record<string, unknown>[];
}
