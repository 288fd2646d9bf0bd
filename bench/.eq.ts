import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { adoptableInput } from '../test/adopt/arbitraries';
import { emittedTree } from '../bin/adopt/emitted';
import { adopt, type AdoptPlatform } from '../lib/adopt';
import { toGatewaySpec, validateGateway } from '../lib/model/normalize';
const inputs = fc.sample(adoptableInput, { numRuns: 100, seed: 32 });
const eq: Record<string, number> = {};
let shown = 0;
for (const i of inputs) { const s = toGatewaySpec(i); for (const t of ['aws', 'azure', 'apigee', 'kubernetes'] as AdoptPlatform[]) { const v = validateGateway(adopt(t, emittedTree(s, t)).input).spec!; const e = isDeepStrictEqual(v, s); eq[t] = (eq[t] ?? 0) + (e ? 1 : 0);
 if (!e && shown < 4) { shown++; const a = JSON.stringify(s, null, 1).split('\n'), b = JSON.stringify(v, null, 1).split('\n'); for (let k = 0; k < Math.max(a.length, b.length); k++) if (a[k] !== b[k]) { console.log(t, k, a[k], '|', b[k]); break; } } } }
console.log(eq);
