import fc from 'fast-check';
import { adoptableInput } from '../test/adopt/arbitraries';
import { emittedTree } from '../bin/adopt/emitted';
import { toGatewaySpec } from '../lib/model/normalize';
const specs = fc.sample(adoptableInput, { numRuns: 300, seed: 32 }).map((i) => toGatewaySpec(i));
for (const t of ['apigee', 'azure', 'kubernetes'] as const) {
  const all = new Map<string, number>(); let n = 0, bytes = 0, ub = 0;
  for (const s of specs) for (const [f, x] of emittedTree(s, t).files) {
    const parts = t === 'kubernetes' ? x.split(/^---$/m) : t === 'azure' ? [...x.matchAll(/"value": "(<policies>.*?)",?\n/g)].map((m) => m[1]) : [x];
    for (const p of parts) { n++; bytes += p.length; if (!all.has(p)) ub += p.length; all.set(p, (all.get(p) ?? 0) + 1); }
  }
  console.log(t, 'docs', n, 'distinct', all.size, 'bytes', bytes, 'distinct bytes', ub);
}
