/**
 * Azure synth benchmark: compiles a 500-route gateway (and 10 for reference) and prints resource
 * count, policy bytes and compile time, plus the Pulumi component's construction time under
 * runtime mocks.
 *
 *   npx tsx bench/azure-synth.ts
 */
import * as pulumi from '@pulumi/pulumi';
import { toGatewaySpec } from '../lib/model/normalize';
import { compileAzure } from '../providers/azure/compile';
import { generateGateway } from './gen-spec';

async function main(): Promise<void> {
  pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({ gatewayUrl: 'https://x' }) }, 'bench', 'bench', false);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AzureApimGateway } = require('../providers/azure/gateway') as typeof import('../providers/azure/gateway');
  console.log('| routes | compile ms | component ms | resources | policy documents | policy bytes (total) | largest policy bytes |');
  console.log('|---|---|---|---|---|---|---|');
  for (const n of [10, 500]) {
    const spec = toGatewaySpec(generateGateway(n));
    compileAzure(spec); // warm-up
    const t0 = process.hrtime.bigint();
    const plan = compileAzure(spec);
    const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const docs = [plan.apiPolicy, ...plan.operations.flatMap((o) => (o.policy ? [o.policy] : [])), ...plan.products.flatMap((p) => (p.policy ? [p.policy] : []))];
    const bytes = docs.map((d) => Buffer.byteLength(d));
    const t1 = process.hrtime.bigint();
    const gw = new AzureApimGateway(`bench${n}`, { gateway: spec, resourceGroupName: 'rg', serviceName: 'svc', functions: { fn: 'https://fn.example.com' } });
    const componentMs = Number(process.hrtime.bigint() - t1) / 1e6;
    console.log(`| ${n} | ${compileMs.toFixed(1)} | ${componentMs.toFixed(0)} | ${gw.graph.entries.length + 1} | ${docs.length} | ${bytes.reduce((a, b) => a + b, 0)} | ${Math.max(...bytes)} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
