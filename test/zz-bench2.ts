import fc from 'fast-check';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
import { adoptableInput } from './adopt/arbitraries';
import { emittedTree } from '../bin/adopt/emitted';
import { adopt, type AdoptPlatform } from '../lib/adopt';
import { toGatewaySpec, validateGateway } from '../lib/model/normalize';
const N = Number(process.env.N ?? 200);
const inputs = fc.sample(adoptableInput, { numRuns: N, seed: 32 });
for (const t of (process.env.T ?? 'aws,azure,apigee,kubernetes').split(',') as AdoptPlatform[]) {
  const c = { spec: 0, emit: 0, adopt: 0, validate: 0, emit2: 0 };
  for (const input of inputs) {
    let a = cpu();
    const spec = toGatewaySpec(input); let b = cpu(); c.spec += b - a; a = b;
    const first = emittedTree(spec, t); b = cpu(); c.emit += b - a; a = b;
    const imp = adopt(t, first); b = cpu(); c.adopt += b - a; a = b;
    const v = validateGateway(imp.input); b = cpu(); c.validate += b - a; a = b;
    emittedTree(v.spec!, t); b = cpu(); c.emit2 += b - a;
  }
  console.log(t, Object.entries(c).map(([k, v]) => `${k} ${(v / N).toFixed(2)}`).join('  '));
}
