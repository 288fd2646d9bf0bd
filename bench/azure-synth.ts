/**
 * Azure synth benchmark: compiles gateways of 10, 500 and 2,000 routes and prints compile time,
 * planned resources (one ApiOperation per route, and what an OpenAPI import would need instead),
 * policy documents and bytes, and the Pulumi component's construction time under runtime mocks.
 *
 *   npx tsx bench/azure-synth.ts          (BENCH_SIZES=10,2000 to choose)
 *
 * BENCH_SMALL=1 instead times what the adopt round trip compiles per spec (bin/adopt/emitted.ts:
 * compileAzure of every stage and resourceList) on 1-5 route specs: 400 specs of
 * test/adopt/arbitraries.ts `adoptableInput` (seed 32), fresh GatewaySpec objects every round so
 * no per-spec memo carries over, 20 rounds in one process; prints the median CPU per spec of
 * rounds 6-20 (warm).
 */
import * as pulumi from '@pulumi/pulumi';
import { toGatewaySpec } from '../lib/model/normalize';
import { compileAzure } from '../providers/azure/compile';
import fc from 'fast-check';
import { generateGateway } from './gen-spec';
import { adoptableInput } from '../test/adopt/arbitraries';
import { resourceList } from '../bin/synth/azure';

/** BENCH_SMALL: CPU microseconds per 1-5 route spec, compileAzure of every stage plus resourceList, warm. */
function small(): void {
  const inputs = fc.sample(adoptableInput, { numRuns: 400, seed: 32 });
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const perSpec: number[] = [];
  for (let round = 0; round < 20; round++) {
    const specs = inputs.map((i) => toGatewaySpec(i));
    const started = cpu();
    for (const spec of specs) for (const stage of Object.keys(spec.stages)) resourceList(compileAzure(spec, { stage }).resources, spec.name);
    perSpec.push((cpu() - started) / specs.length);
  }
  const warm = perSpec.slice(5).sort((a, b) => a - b);
  console.log(`small specs: ${warm[Math.floor(warm.length / 2)]!.toFixed(0)} µs of CPU per spec (median of rounds 6-20, ${inputs.length} specs, compileAzure of every stage + resourceList)`);
}

async function main(): Promise<void> {
  pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({ gatewayUrl: 'https://x', primaryKey: 'k' }) }, 'bench', 'bench', false);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AzureApimGateway } = require('../providers/azure/gateway') as typeof import('../providers/azure/gateway');
  const sizes = (process.env.BENCH_SIZES ?? '10,500,2000').split(',').map(Number);
  console.log('| routes | compile ms | planned resources | with OpenAPI import | component ms (mocks) | policy documents | policy bytes (total) | largest policy bytes |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    const spec = toGatewaySpec(generateGateway(n));
    compileAzure(spec); // warm-up
    const t0 = process.hrtime.bigint();
    const plan = compileAzure(spec);
    const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const docs = [plan.apiPolicy, ...plan.operations.flatMap((o) => (o.policy ? [o.policy] : [])), ...plan.products.flatMap((p) => (p.policy ? [p.policy] : []))];
    const bytes = docs.map((d) => Buffer.byteLength(d));
    const t1 = process.hrtime.bigint();
    new AzureApimGateway(`bench${n}`, { plan, resourceGroupName: 'rg', serviceName: 'svc', functions: { fn: { url: 'https://fn.example.com', key: 'k' } } });
    const componentMs = Number(process.hrtime.bigint() - t1) / 1e6;
    const imported = compileAzure(spec, { apiDefinition: 'openapi' });
    const apiBytes = Buffer.byteLength(String(imported.resources.find((r) => r.name === 'api')!.inputs.value));
    console.log(`| ${n} | ${compileMs.toFixed(1)} | ${plan.resources.length} | ${imported.resources.length} (value ${apiBytes} bytes) | ${componentMs.toFixed(0)} | ${docs.length} | ${bytes.reduce((a, b) => a + b, 0)} | ${Math.max(...bytes)} |`);
  }
}

(process.env.BENCH_SMALL === '1' ? Promise.resolve().then(small) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
