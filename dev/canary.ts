/**
 * release.canary in the local gateway: each request to the shared backend goes to the canary with
 * probability percent / 100, drawn from an injected random source. `--seed` makes the draw a
 * seeded PRNG, so a run's split is reproducible (the clouds draw per request too; see the
 * release.canary records' differences). With `stickiness`, a request carrying the header or cookie
 * goes where its value's bucket says (canaryBucket: the same function the targets compute), on
 * every request and every run; one without it is drawn.
 */
import { canaryBucket, cookieValue, stickyKey } from '../lib/model/versions';
import type { CanarySpec, GatewaySpec } from '../lib/model/types';

/** mulberry32: a small, well-distributed 32-bit PRNG; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class CanarySplit {
  private readonly canary?: { of: string; backend: string; percent: number; stickiness?: CanarySpec['stickiness'] };

  /**
   * @param spec a spec whose version canary is lowered (expandVersions): release.canary names both backends
   * @param random a source in [0, 1); the canary is chosen when it draws below percent / 100
   */
  constructor(spec: GatewaySpec, private readonly random: () => number) {
    const c = spec.release?.canary;
    if (c) this.canary = { of: c.of, backend: c.backend!, percent: c.percent, stickiness: c.stickiness };
  }

  /**
   * The canary backend's name when this call to `backend` goes to the canary; undefined otherwise
   * (a call to another backend, or the draw kept it on `backend`). The caller resolves the name to
   * a URL, so a `--backend` override of either side applies to that side (dev/proxy.ts BackendResolver).
   * @param headers the request's headers (any case), read for a sticky canary's header or cookie
   */
  pick(backend: string, headers: Record<string, string> = {}): string | undefined {
    if (!this.canary || this.canary.of !== backend) return undefined;
    const key = this.stickyValue(headers);
    if (key !== undefined) return canaryBucket(key) < this.canary.percent ? this.canary.backend : undefined;
    return this.random() * 100 < this.canary.percent ? this.canary.backend : undefined;
  }

  private stickyValue(headers: Record<string, string>): string | undefined {
    if (!this.canary?.stickiness) return undefined;
    const st = stickyKey(this.canary.stickiness);
    const get = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const v = st.in === 'header' ? get(st.name) : cookieValue(get('cookie'), st.name);
    return v ? v : undefined;
  }
}
