/**
 * Whether `anygate dev` starts a spec under a profile: the first step of startDev (server.ts),
 * without a socket or any of the gateway's modules, so the agreement property
 * (test/capabilities/agreement.test.ts) can hold it against synth over fuzzed specs.
 */
import type { GatewaySpec } from '../lib/model/types';
import { expandVersions } from '../lib/model/versions';
import { devAiRefusals } from './ai-model';
import { formatRefusals, refusals, type StartRefusal } from './capabilities';
import { DevRefusedError } from './errors';
import { JWKS_PATH } from './mock-idp';
import type { Profile } from './profiles';

/** What startDecision reads of DevOptions (server.ts). */
export interface StartOptions {
  readonly spec: GatewaySpec;
  /** @default 'aws' */
  readonly profile?: Profile;
  /** Serve a JWKS and point every JWT authorizer at it. @default false */
  readonly mockIdp?: boolean;
  /** Start anyway, with the refusals as warnings. @default false */
  readonly allowRefused?: boolean;
}

/** `spec` with a JWKS URI on every JWT authorizer that has none: what dev serves with --mock-idp. */
function withMockJwks(spec: GatewaySpec): GatewaySpec {
  const authorizers = Object.fromEntries(Object.entries(spec.authorizers).map(([n, a]) => [n, a.type === 'jwt' && !a.jwksUri ? { ...a, jwksUri: `https://127.0.0.1${JWKS_PATH}` } : a]));
  return { ...spec, authorizers };
}

/** What `startDev` decides before it listens: what the profile's target refuses, and what dev itself cannot run. */
export interface StartDecision {
  /** The profile's target refuses these (its capability records, as synth reads them). */
  readonly refused: StartRefusal[];
  /** Dev cannot run these (dev/ai). */
  readonly notRun: StartRefusal[];
  /** The error startDev throws, unless allowRefused; undefined when dev starts. */
  readonly error?: DevRefusedError;
}

/**
 * The first step of startDev, without a socket: whether dev refuses to start `opts.spec` under
 * its profile, and why. The agreement property (test/capabilities/agreement.test.ts) holds it
 * against synth over fuzzed specs.
 */
export function startDecision(opts: StartOptions): StartDecision {
  const profile = opts.profile ?? 'aws';
  // With --mock-idp, dev supplies every JWT authorizer's keys, so a missing jwksUri does not stop
  // it; the target's refusal of the spec as written is still said (synth will refuse it).
  const refused = refusals(opts.mockIdp ? withMockJwks(opts.spec) : opts.spec, profile);
  const notRun = devAiRefusals(expandVersions(opts.spec));
  if ((!refused.length && !notRun.length) || opts.allowRefused) return { refused, notRun };
  const parts = [...(refused.length ? [`the ${profile} target would refuse this gateway, so anygate dev --profile ${profile} does too:\n${formatRefusals(refused)}`] : []), ...(notRun.length ? [`anygate dev cannot run all of this gateway:\n${formatRefusals(notRun)}`] : [])];
  return { refused, notRun, error: new DevRefusedError(`${parts.join('\n')}\n(--allow-refused runs it anyway, with these as warnings)`) };
}

