import fc from 'fast-check';
import { adoptableInput } from '../test/adopt/arbitraries';
import { emittedTree } from '../bin/adopt/emitted';
import { adopt, type AdoptPlatform, type SourceTree } from '../lib/adopt';
import { toGatewaySpec, validateGateway } from '../lib/model/normalize';
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const N = Number(process.env.N ?? 200);
const TARGETS: AdoptPlatform[] = (process.env.T ?? 'aws,azure,apigee,kubernetes').split(',') as AdoptPlatform[];
const same = (a: SourceTree, b: SourceTree) => a.files.size === b.files.size && [...a.files].every(([f, text]) => b.files.get(f) === text);
const inputs = fc.sample(adoptableInput, { numRuns: N + 20, seed: 32 });
// warm
for (const i of inputs.slice(N)) { const s = toGatewaySpec(i); for (const t of TARGETS) { const f = emittedTree(s, t); const v = validateGateway(adopt(t, f).input); same(f, emittedTree(v.spec!, t)); } }
const specs = inputs.slice(0, N).map((i) => toGatewaySpec(i));
const tm: Record<string, number[]> = {};
for (const t of TARGETS) tm[t] = [0, 0, 0, 0];
const c0 = process.cpuUsage();
for (const s of specs) for (const t of TARGETS) {
  let a = cpu(); const f = emittedTree(s, t); let b = cpu(); tm[t][0] += b - a;
  a = b; const r = adopt(t, f); b = cpu(); tm[t][1] += b - a;
  a = b; const v = validateGateway(r.input); b = cpu(); tm[t][2] += b - a;
  a = b; const ok = same(f, emittedTree(v.spec!, t)); b = cpu(); tm[t][3] += b - a;
  if (!ok) throw new Error('not same ' + t);
}
const c = process.cpuUsage(c0);
console.log('cpu ms/spec', ((c.user + c.system) / 1000 / N).toFixed(2));
for (const t of TARGETS) if (!process.env.Q) console.log(t, 'emit', (tm[t][0] / N).toFixed(2), 'adopt', (tm[t][1] / N).toFixed(2), 'validate', (tm[t][2] / N).toFixed(2), 'emit2+cmp', (tm[t][3] / N).toFixed(2), 'total', (tm[t].reduce((x, y) => x + y) / N).toFixed(2));
