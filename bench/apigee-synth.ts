/**
 * Apigee synth benchmark: gateways of 10 and 2,000 routes (BENCH_SIZES to change). Per size:
 * compile, zip and whole-synth time (bundle zipped once, files unpacked, plan and resources.json
 * written, no Pulumi runtime), file and policy counts, bundle size, planned resources; then the
 * time ratio the goal is stated in (2,000 routes under 3x the time of 10).
 *
 *   npx tsx bench/apigee-synth.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthApigee } from '../bin/synth/apigee';
import { toGatewaySpec } from '../lib/model/normalize';
import { bundleZip } from '../providers/apigee/bundle';
import { compileApigee } from '../providers/apigee/compile';
import { generateGateway } from './gen-spec';

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? '10,2000').split(',').map(Number);
  const rows: { n: number; synthMs: number }[] = [];
  console.log('| routes | compile ms | zip ms | synth ms (all files) | files | policies | resources | bundle bytes (zip) | unpacked bytes | max RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    const spec = toGatewaySpec(generateGateway(n));
    compileApigee(spec); // warm-up
    let t = process.hrtime.bigint();
    const plan = compileApigee(spec);
    const compileMs = ms(t);
    t = process.hrtime.bigint();
    const zip = await bundleZip(plan);
    const zipMs = ms(t);
    const out = mkdtempSync(path.join(tmpdir(), 'anygate-apigee-bench-'));
    t = process.hrtime.bigint();
    await synthApigee(spec, out, Object.keys(spec.stages), undefined);
    const synthMs = ms(t);
    rmSync(out, { recursive: true, force: true });
    const files = Object.keys(plan.files);
    const unpacked = Object.values(plan.files).reduce((a, f) => a + Buffer.byteLength(f), 0);
    const rss = Math.round(process.resourceUsage().maxRSS / 1024);
    rows.push({ n, synthMs });
    console.log(`| ${n} | ${compileMs.toFixed(1)} | ${zipMs.toFixed(1)} | ${synthMs.toFixed(1)} | ${files.length} | ${files.filter((f) => f.startsWith('policies/')).length} | ${plan.resources.length} | ${zip.length} | ${unpacked} | ${rss} |`);
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  console.log(`\nsynth time ${last.n} / ${first.n} routes: ${(last.synthMs / first.synthMs).toFixed(2)}x (goal < 3x)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
