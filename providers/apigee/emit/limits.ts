/** A route's own rate limit: SpikeArrest (no burst: Apigee smooths the rate instead). */
import type { RouteSpec } from '../../../lib/model/types';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import * as P from '../policies';

export function limitsFragment(ctx: ApigeeContext, r: RouteSpec): Fragment {
  if (!r.rateLimit) return fragment();
  return fragment([ctx.step(ctx.add(P.spikeArrest(`SA-${r.id}`, P.spikeRate(r.rateLimit.requestsPerSecond))))]);
}
