/**
 * The 2,000-route contract goal (issue 35): a gateway whose every route carries a contract and
 * validates against it (bench/gen-contract.ts) synthesizes within each cloud's size limits. Per
 * target: compile time and the sizes the limits are stated in (AWS OpenAPI body vs the 6 MB import
 * limit, APIM's largest policy and API schema, the Apigee bundle's unpacked bytes vs 15 MB,
 * Kubernetes objects), without validation on Kubernetes, which refuses it by record.
 *
 *   npx tsx bench/contract-scale.ts            (BENCH_SIZES=10,2000 to change)
 */
import { toGatewaySpec } from '../lib/model/normalize';
import { compileApigee } from '../providers/apigee/compile';
import { compileAws } from '../providers/aws/compile';
import { compileAzure } from '../providers/azure/compile';
import { compileKubernetes } from '../providers/kubernetes/compile';
import { generateContractGateway } from './gen-contract';

const ms = (t: bigint) => Math.round(Number(process.hrtime.bigint() - t) / 1e6);
const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

function main(): void {
  const sizes = (process.env.BENCH_SIZES ?? '10,2000').split(',').map(Number);
  console.log('| routes | target | compile ms | measured |');
  console.log('|---|---|---|---|');
  for (const n of sizes) {
    // API Gateway checks a parameter's presence only: its spec declares plain string parameters.
    const aws = toGatewaySpec(generateContractGateway(n, { typedParameters: false }));
    const spec = toGatewaySpec(generateContractGateway(n));
    const plain = toGatewaySpec(generateContractGateway(n, { validate: false }));
    let t = process.hrtime.bigint();
    const a = compileAws(aws);
    console.log(`| ${n} | aws | ${ms(t)} | body ${kb(Buffer.byteLength(JSON.stringify(a.body)))} (import limit 6 MB), ${Object.keys((a.body.components as { schemas?: object }).schemas ?? {}).length} models, ${(a.body['x-amazon-apigateway-documentation'] as { documentationParts?: unknown[] } | undefined)?.documentationParts?.length ?? 0} documentation parts, ${a.resourceCount} resources |`);
    t = process.hrtime.bigint();
    const z = compileAzure(spec);
    const biggest = Math.max(...z.operations.map((o) => Buffer.byteLength(o.policy ?? '')), Buffer.byteLength(z.apiPolicy));
    console.log(`| ${n} | azure | ${ms(t)} | largest policy ${kb(biggest)} (256 KiB), API schema ${kb(Buffer.byteLength(JSON.stringify(z.schemas)))}, ${z.resources.length} resources |`);
    t = process.hrtime.bigint();
    const g = compileApigee(spec);
    const bytes = Object.values(g.files).reduce((s, f) => s + Buffer.byteLength(f), 0);
    console.log(`| ${n} | apigee | ${ms(t)} | bundle ${kb(bytes)} unpacked (15 MB), spec resource ${kb(Buffer.byteLength(g.files['resources/oas/anygate.json'] ?? ''))}, published contract ${kb(Buffer.byteLength(g.files['resources/oas/contract.json'] ?? ''))} |`);
    t = process.hrtime.bigint();
    const k = compileKubernetes(plain);
    console.log(`| ${n} | kubernetes (no validation) | ${ms(t)} | ${k.stages.reduce((s, st) => s + st.objects.length, 0)} objects |`);
  }
}

main();
