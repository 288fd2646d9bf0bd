import type { GatewaySpec } from './types';

/** Every function binding a spec names (function backends and custom authorizers), sorted. */
export function functionBindings(spec: GatewaySpec): string[] {
  const out = new Set<string>();
  for (const b of Object.values(spec.backends)) if (b.type === 'function') out.add(b.binding);
  for (const a of Object.values(spec.authorizers)) if (a.type === 'custom') out.add(a.binding);
  return [...out].sort();
}
