/**
 * How AWS API Gateway, Azure API Management and Apigee X behave differently from the spec's
 * meaning where they synthesize a feature anyway: the `differences` of their records (aws.ts,
 * azure.ts, apigee.ts), printed by the portability report per feature. The error answers are each
 * cloud's own (status, headers, body); docs/model.md has the table side by side.
 */
import type { GatewaySpec } from '../../model/types';
import type { BehaviourDifference } from '../types';
import { noCacheProbeRoute, optionsProbeRoute, optionsRouteOnPath } from '../../model/probe-routes';
import { differs, probed } from './helpers';

/** The cloud's own error answers apply only with `errors: native`; the contract replaces them otherwise. */
const native = (s: GatewaySpec) => s.errors === 'native';
const anyRouteLimited = (s: GatewaySpec) => s.routes.some((r) => r.method === 'ANY' && r.rateLimit);
const optionsRouteWithCors = (s: GatewaySpec) => Boolean(s.cors && s.routes.some((r) => r.method === 'OPTIONS'));
const severalOriginsWithCredentials = (s: GatewaySpec) => Boolean(s.cors && s.cors.allowOrigins.length > 1 && s.cors.allowCredentials);

export const AWS_DIFFERENCES = {
  'route.rateLimit': [
    differs('burst', 'an ANY route\'s rate limit is one method setting per concrete method it serves (up to 7, or 6 when CORS takes OPTIONS), each its own bucket: together up to that many times the rate and burst', 'give the route one method, or split it into one route per method with its share of the limit', anyRouteLimited),
    differs('body', 'over the limit: 429 {"message":"Too Many Requests"}, no Retry-After', undefined, native),
  ],
  'plan.quota': [
    differs('accuracy', 'usage plan quotas are applied on a best-effort basis (AWS: "not hard limits"): a consumer may get some requests past the quota'),
    // QuotaSettings.offset is documented two ways (a start day; requests subtracted from the first period): anygate sets none.
    differs('window', 'a WEEK or MONTH quota resets on API Gateway\'s own calendar boundary (no offset set; its documentation does not say which weekday starts a week), where Apigee and anygate dev start weeks on Monday'),
    differs('body', 'quota exhausted: 429 {"message":"Limit Exceeded"}, no Retry-After', undefined, native),
  ],
  'plan.rateLimit': [differs('accuracy', 'usage plan throttling is applied on a best-effort basis (AWS: "not hard limits")')],
  'auth.apiKey': [differs('status', 'a missing or unknown API key gets 403 {"message":"Forbidden"} from API Gateway, not 401', undefined, native)],
  cors: [
    differs('headers', 'with several allowed origins and credentials, API Gateway\'s own 401, 403 and 429 answers carry no Access-Control-Allow-Origin (gateway responses cannot test the Origin): browsers report them as CORS failures', 'allow one origin, or no credentials (the Origin is then echoed)', severalOriginsWithCredentials),
    probed(
      differs(
        'methods',
        'every OPTIONS request to a path with no OPTIONS route is answered by the CORS OPTIONS mock (204), a preflight or not: an authenticated ANY route there never receives OPTIONS, so a plain OPTIONS without credentials gets 204 where other targets send it to the route (401); no backend is reached either way',
        'give the path an OPTIONS route of its own if OPTIONS must reach the backend with the route\'s auth',
        (s) => optionsProbeRoute(s)?.method === 'ANY',
      ),
      'OPTIONS on a mixed path',
      { status: 204, errorCode: null },
    ),
    differs('methods', 'a path with an OPTIONS route gets no CORS OPTIONS mock: preflights there go to that route (its auth, its backend), where other targets\' CORS answers them', 'leave OPTIONS to CORS (no OPTIONS route), or have the route\'s backend answer preflights', optionsRouteWithCors),
  ],
  'route.cache': [
    differs('cache', 'Cache-Control: no-cache is ignored (served from the cache, as the spec means); Cache-Control: max-age=0 refreshes the entry for a SigV4-signed caller allowed execute-api:InvalidateCache (requireAuthorizationForCacheControl, on by default), and from any other caller is ignored with a Warning response header (unauthorizedCacheControlHeaderStrategy SUCCEED_WITH_RESPONSE_HEADER)', 'grant execute-api:InvalidateCache only to the callers that may force backend calls'),
  ],
  'errors.contract': [
    probed(differs('headers', 'API Gateway\'s 429s (throttle, quota) carry no Retry-After: gateway responses cannot compute it'), 'over the rate limit', { headers: { 'retry-after': null } }),
    differs('status', 'a response type API Gateway adds after anygate\'s table falls to DEFAULT_4XX/5XX: the contract\'s body with API Gateway\'s status (a status there would override every type)'),
  ],
  'errors.native': [
    probed(differs('status', 'a path no resource matches: 403 {"message":"Missing Authentication Token"} (API Gateway\'s MISSING_AUTHENTICATION_TOKEN), not 404', 'leave errors at anygate (the default): the contract answers 404'), 'unmatched path', { status: 403 }),
  ],
} as const satisfies Record<string, readonly BehaviourDifference[]>;

export const AZURE_DIFFERENCES = {
  'plan.quota': [
    probed(differs('status', 'quota exhausted: 403 "Out of call volume quota. Quota will be replenished in hh:mm:ss." with Retry-After, where other targets answer 429', undefined, native), 'quota exhausted', { status: 403 }),
    differs('accuracy', 'quota counts are approximate across gateway instances and regions (APIM counts asynchronously): best effort'),
    // https://learn.microsoft.com/azure/api-management/quota-policy: "the start of each period is calculated relative to the start time of the subscription".
    differs('window', 'a quota period starts at each subscription\'s own start, not on the calendar (a week from the day the consumer\'s key was created, a month 30 days), so consumers reset at different times; the other targets reset days at midnight UTC, weeks on Monday and months on the 1st (Kubernetes: fixed windows from the epoch)'),
  ],
  'plan.rateLimit': [
    differs('accuracy', 'rate limits are approximate across gateway instances (APIM: "never completely accurate")'),
    differs('body', 'over the limit: 429 {"statusCode":429,"message":"Rate limit is exceeded. Try again in n seconds."} with Retry-After', undefined, native),
  ],
  'route.rateLimit': [differs('body', 'over the limit: 429 {"statusCode":429,"message":"Rate limit is exceeded. Try again in n seconds."} with Retry-After', undefined, native)],
  'auth.apiKey': [differs('body', 'a missing or unknown key: 401 {"statusCode":401,"message":"Access denied due to missing subscription key..."}', undefined, native)],
  'errors.contract': [
    probed(differs('status', 'a path no API operation matches is answered by API Management itself before the API\'s policies run: its own 404 {"statusCode":404,"message":"Resource not found"}', 'add the same on-error section to the global (All APIs) policy'), 'unmatched path', { status: 404, errorCode: null }),
    probed(differs('headers', 'no Retry-After on 429: the contract\'s answer is a return-response built in on-error (set-body is not allowed there), which drops the headers API Management\'s rate-limit policies set'), 'over the rate limit', { headers: { 'retry-after': null } }),
  ],
} as const satisfies Record<string, readonly BehaviourDifference[]>;

export const APIGEE_DIFFERENCES = {
  'route.cache': [
    probed(
      differs('cache', 'on a route with apigee.honorNoCache, a request with Cache-Control: no-cache skips the ResponseCache lookup (SkipCacheLookup) and the fresh response replaces the entry: any client can force a backend call, where other targets serve it from the cache', 'leave apigee.honorNoCache off', (s) => noCacheProbeRoute(s)?.apigee?.honorNoCache === true),
      'cache with no-cache',
      { fromCache: false },
    ),
  ],
  'plan.quota': [differs('body', 'quota exhausted: 429 with Apigee\'s fault JSON {"fault":{"faultstring":...,"detail":{"errorcode":"policies.ratelimit.QuotaViolation"}}}', undefined, native)],
  'route.rateLimit': [differs('body', 'over the limit: 429 with Apigee\'s fault JSON (errorcode policies.ratelimit.SpikeArrestViolation)', undefined, native)],
  'plan.rateLimit': [differs('body', 'over the limit: 429 with Apigee\'s fault JSON (errorcode policies.ratelimit.SpikeArrestViolation)', undefined, native)],
  'auth.apiKey': [differs('body', 'a missing or unknown key: 401 with Apigee\'s fault JSON (errorcode oauth.v2.InvalidApiKey / FailedToResolveAPIKey)', undefined, native)],
  'errors.contract': [probed(differs('headers', 'Apigee\'s 429s (SpikeArrest, Quota) carry no Retry-After'), 'over the rate limit', { headers: { 'retry-after': null } })],
} as const satisfies Record<string, readonly BehaviourDifference[]>;
