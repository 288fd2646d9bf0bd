/** The vocabulary of the gateway's own refusals, shared by every profile's answers (profiles.ts, profile-kubernetes.ts). */

/** The cloud a dev gateway answers as (dev/profiles.ts lists them). */
export type Profile = 'aws' | 'azure' | 'apigee' | 'kubernetes';

/** Why the gateway refused. */
export type Refusal =
  | 'unauthorized'
  | 'forbiddenScope'
  | 'missingApiKey'
  | 'invalidApiKey'
  | 'noRoute'
  | 'methodNotAllowed'
  | 'ipDenied'
  | 'tooLarge'
  | 'unsupportedMediaType'
  | 'badRequest'
  | 'rateLimited'
  | 'quotaExceeded'
  | 'badGateway'
  | 'timeout'
  | 'internal';

export interface GatewayResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface RefusalContext {
  /** Seconds until the limit lets the caller in again (429s). */
  readonly retryAfterSeconds?: number;
  /** Which limit refused (429s): Envoy answers its local and global rate limits differently. @default 'route' */
  readonly limitScope?: 'plan' | 'route' | 'stage';
  /** The route has a JWT authorizer (401s): Envoy's 401 then comes from jwt_authn. @default true */
  readonly jwtRoute?: boolean;
  /** The request carried the authorizer's credential (401s): Envoy's jwt_authn tells a missing token from a bad one. @default false */
  readonly credentialPresent?: boolean;
  /** The URL the caller requested, for `WWW-Authenticate: Bearer realm=...` (401s). @default 'http://localhost/' */
  readonly requestUrl?: string;
  readonly clientIp?: string;
  /** Detail for validation failures. */
  readonly detail?: string;
  /** The dev clock is virtual (429 reasons: its time moves only when told). @default false */
  readonly virtualClock?: boolean;
  /** The request's id, for the error contract's body. @default '' */
  readonly requestId?: string;
  /** The spec's error mode: `anygate` answers the one contract, `native` the cloud's own. @default 'native' */
  readonly errors?: 'anygate' | 'native';
}
