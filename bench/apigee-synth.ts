/**
 * Apigee synth benchmark: compiles and zips 10 and 500-route gateways; prints bundle size, file
 * count and compile time.
 *
 *   npx tsx bench/apigee-synth.ts
 */
import { toGatewaySpec } from '../lib/model/normalize';
import { bundleZip } from '../providers/apigee/bundle';
import { compileApigee } from '../providers/apigee/compile';
import { generateGateway } from './gen-spec';

async function main(): Promise<void> {
  console.log('| routes | compile ms | zip ms | files | policies | bundle bytes (zip) | unpacked bytes |');
  console.log('|---|---|---|---|---|---|---|');
  for (const n of [10, 500]) {
    const spec = toGatewaySpec(generateGateway(n));
    compileApigee(spec); // warm-up
    const t0 = process.hrtime.bigint();
    const plan = compileApigee(spec);
    const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const t1 = process.hrtime.bigint();
    const zip = await bundleZip(plan);
    const zipMs = Number(process.hrtime.bigint() - t1) / 1e6;
    const files = Object.keys(plan.files);
    const unpacked = Object.values(plan.files).reduce((a, f) => a + Buffer.byteLength(f), 0);
    console.log(`| ${n} | ${compileMs.toFixed(1)} | ${zipMs.toFixed(1)} | ${files.length} | ${files.filter((f) => f.startsWith('policies/')).length} | ${zip.length} | ${unpacked} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
