/** Rates as Envoy Gateway's rate limits take them: whole requests per second, minute or hour. */

/** Envoy Gateway rate-limit units, and the seconds each spans. */
export const RATE_UNITS = [
  ['Second', 1],
  ['Minute', 60],
  ['Hour', 3600],
] as const;

/** A rate as whole requests per unit, the only form Envoy Gateway's limits take; undefined when none fits. */
export function wholeRate(requestsPerSecond: number): { requests: number; unit: 'Second' | 'Minute' | 'Hour' } | undefined {
  for (const [unit, seconds] of RATE_UNITS) {
    const requests = requestsPerSecond * seconds;
    if (Math.abs(requests - Math.round(requests)) < 1e-9 && Math.round(requests) >= 1) return { requests: Math.round(requests), unit };
  }
  return undefined;
}

/** True when Envoy's bucket (one unit's requests, refilled each unit) differs from the spec's burst. */
export function burstDiffers(rate: { requestsPerSecond: number; burst: number }): boolean {
  const w = wholeRate(rate.requestsPerSecond);
  return w !== undefined && w.requests !== rate.burst;
}
