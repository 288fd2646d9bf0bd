import fc from 'fast-check';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
import { validateGateway } from '../lib/model/normalize';
import { compileOptions, gatewayInput } from '../test/capabilities/arbitraries';
import { disagreements } from '../test/capabilities/harness';
const N = Number(process.env.N ?? 300);
const phase = process.env.PHASE ?? 'all';
let t0 = cpu();
const samples = fc.sample(fc.tuple(gatewayInput, compileOptions), { numRuns: N, seed: 1 });
let t1 = cpu();
console.log('generate', (t1 - t0).toFixed(0), 'ms');
const specs = samples.map(([i, o]) => [validateGateway(i).spec, o] as const);
let t2 = cpu();
console.log('validate', (t2 - t1).toFixed(0));
for (const target of ['aws', 'azure', 'apigee', 'kubernetes'] as const) {
  const s = cpu();
  for (const [spec, o] of specs) if (spec) disagreements(spec, target, o as never);
  console.log(target, (cpu() - s).toFixed(0));
}
