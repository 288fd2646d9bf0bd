/**
 * The ONE place `anygate dev` reads lib/capabilities: what the chosen profile's target would
 * refuse, so `dev` refuses it at start too (naming route, feature and target), and what the
 * portability report claims the target does with each feature.
 */
import { capability, targetProblems, type Capability, type Feature } from '../lib/capabilities';
import type { GatewaySpec } from '../lib/model/types';
import type { Profile } from './profiles';

export interface StartRefusal {
  readonly target: string;
  readonly where: string;
  readonly feature: string;
  readonly message: string;
}

/** Everything the profile's target refuses in `spec`. */
export function refusals(spec: GatewaySpec, profile: Profile): StartRefusal[] {
  return targetProblems(spec, profile).map((p) => ({ target: p.target, where: p.where, feature: p.feature, message: p.message }));
}

/** One line per refusal: `route createPet: auth.alternatives on aws: ...`. */
export function formatRefusals(list: readonly StartRefusal[]): string {
  return list.map((r) => `${r.where === 'gateway' ? 'gateway' : `route ${r.where}`}: ${r.feature} on ${r.target}: ${r.message}`).join('\n');
}

/** What the profile's target does with a feature (native, emulated, unsupported). */
export function claim(profile: Profile, feature: Feature): Capability {
  return capability(profile, feature);
}
