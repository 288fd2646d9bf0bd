/**
 * The flat spec (versions expanded, a canary as weighted targets: lib/model/versions.ts flatSpec)
 * of a spec object, remembered: the Kubernetes records' Service-name check and the Kubernetes
 * compiler both read it, one after the other, for the same spec. Specs are not changed once
 * normalized (the capability memos rely on the same), and the flat spec is only read.
 */
import { flatSpec } from '../model/versions';
import type { GatewaySpec } from '../model/types';

const FLAT = new WeakMap<GatewaySpec, GatewaySpec>();

/** flatSpec(spec), worked out once per spec object. */
export function flatSpecOf(spec: GatewaySpec): GatewaySpec {
  let flat = FLAT.get(spec);
  if (!flat) FLAT.set(spec, (flat = flatSpec(spec)));
  return flat;
}
