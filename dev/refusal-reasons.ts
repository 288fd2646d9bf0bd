/**
 * Why `anygate dev` refused a request, in words for its access log: every 401, 403, 413, 415, 400
 * and 429 line ends with the reason (`GET /v1/pets listPets 401 0.4ms - (no valid token: ...)`).
 */
import type { Refusal, RefusalContext } from './refusal-types';

const REASONS: Record<Refusal, string> = {
  unauthorized: 'no valid credential: the token is missing, expired, or fails its signature, issuer, audience or required claims (or the custom authorizer refused)',
  forbiddenScope: 'the token lacks a scope the route requires',
  missingApiKey: 'no API key in the header or query parameter the authorizer names',
  invalidApiKey: 'the API key is not a consumer\'s key for this stage',
  noRoute: 'no route matches the path',
  methodNotAllowed: 'no route has this method on the path',
  ipDenied: 'the client address is refused by ipRules',
  tooLarge: 'the body is larger than the profile allows',
  unsupportedMediaType: 'the route validates a JSON body and the content type is not JSON',
  badRequest: 'request validation failed',
  rateLimited: 'over the rate limit',
  quotaExceeded: 'over the plan quota',
  badGateway: 'the backend could not be reached',
  timeout: 'the backend did not answer within the route timeout',
  internal: 'the gateway failed (see the error above)',
};

/** The reason for one refusal: what refused and, for limits, which one and when it lets in again. */
export function refusalReason(r: Refusal, c: RefusalContext = {}): string {
  let reason = REASONS[r];
  if (r === 'unauthorized' && c.jwtRoute) {
    reason = c.credentialPresent
      ? 'the bearer token does not verify: expired or not yet valid, bad signature, wrong issuer or audience, or a required claim missing'
      : 'no bearer token (Authorization: Bearer ...) was presented';
  }
  if ((r === 'rateLimited' || r === 'quotaExceeded') && c.limitScope) {
    const which = c.limitScope === 'plan' ? "the consumer's plan" : `the ${c.limitScope}`;
    reason = r === 'rateLimited' ? `over ${which} rate limit` : `over ${which} quota`;
  }
  if (c.retryAfterSeconds !== undefined && (r === 'rateLimited' || r === 'quotaExceeded')) reason += `; lets in again in ${c.retryAfterSeconds} s${c.virtualClock ? ' of the virtual clock (POST /__anygate/clock to move it)' : ''}`;
  if (c.detail) reason += `: ${c.detail}`;
  return reason;
}
