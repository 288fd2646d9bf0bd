import fc from 'fast-check';
import { adoptableInput } from '../test/adopt/arbitraries';
import { toGatewaySpec } from '../lib/model/normalize';
import { FEATURE_IDS, FEATURE_RECORDS } from '../lib/capabilities/features';
const specs = fc.sample(adoptableInput, { numRuns: 300, seed: 32 }).map((i) => toGatewaySpec(i));
const t: Record<string, number> = {};
for (let k = 0; k < 5; k++) for (const s of specs) for (const id of FEATURE_IDS) { const a = process.hrtime.bigint(); FEATURE_RECORDS[id].detect(s); t[id] = (t[id] ?? 0) + Number(process.hrtime.bigint() - a); }
console.log(Object.entries(t).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${(v / 1500 / 1000).toFixed(4)} ms`).join('\n'));
console.log('total', (Object.values(t).reduce((a, b) => a + b) / 1500 / 1e6).toFixed(3), 'ms/spec');
