/**
 * Synthesis at scale, in one run: gateways of 10, 100, 500 and 2,000 routes (auth, caching, rate
 * limits, transforms, path parameters) synthesized for every target. Per size and target: time,
 * peak memory, and size figures; then the ratios the goals are stated in.
 *
 *   npx tsx bench/synth-scale.ts          (BENCH_SIZES=10,100 for a quick look)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthAws } from '../bin/synth/aws';
import { recordComponent } from '../bin/synth/pulumi';
import { toGatewaySpec } from '../lib/model/normalize';
import type { GatewaySpec } from '../lib/model/types';
import { bundleZip } from '../providers/apigee/bundle';
import { compileApigee } from '../providers/apigee/compile';
import { compileAzure } from '../providers/azure/compile';
import { AzureApimGateway } from '../providers/azure/gateway';
import { generateAwsScaleGateway } from './gen-aws-scale';
import { generateGateway } from './gen-spec';

// Large API bodies ship to S3 with literal ARNs, which need a concrete account and region.
const AWS_ENV = { account: '123456789012', region: 'us-east-1' };

interface Row {
  routes: number;
  awsMs: number;
  awsResources: number;
  templateBytes: number;
  processedBytes: number;
  bodyBytes: number;
  azureMs: number;
  azureResources: number;
  policyBytes: number;
  apigeeMs: number;
  bundleBytes: number;
  maxRssMb: number;
}

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

async function measure(spec: GatewaySpec, countAzure: boolean): Promise<Row> {
  const out = mkdtempSync(path.join(tmpdir(), 'anygate-scale-'));
  let t = process.hrtime.bigint();
  const aws = synthAws(spec, out, undefined, AWS_ENV);
  const awsMs = ms(t);
  const templateText = readFileSync(aws.templateFile, 'utf8');
  const template = JSON.parse(templateText);
  t = process.hrtime.bigint();
  const azure = compileAzure(spec);
  const azureMs = ms(t);
  const policyBytes = [azure.apiPolicy, ...azure.operations.map((o) => o.policy ?? ''), ...azure.products.map((p) => p.policy ?? '')].reduce((a, p) => a + Buffer.byteLength(p), 0);
  let azureResources = -1;
  if (countAzure) {
    const graph = await recordComponent(() => new AzureApimGateway(`scale${spec.routes.length}`, { gateway: spec, resourceGroupName: 'rg', serviceName: 'svc', functions: { fn: 'https://fn.example.com' } }), (s) => s);
    azureResources = graph.length;
  }
  t = process.hrtime.bigint();
  const apigee = compileApigee(spec);
  const zip = await bundleZip(apigee);
  const apigeeMs = ms(t);
  rmSync(out, { recursive: true, force: true });
  return {
    routes: spec.routes.length,
    awsMs,
    awsResources: Object.keys(template.Resources).length,
    templateBytes: Buffer.byteLength(templateText),
    processedBytes: aws.processedBytes,
    bodyBytes: Buffer.byteLength(JSON.stringify(compileAwsBody(spec))),
    azureMs,
    azureResources,
    policyBytes,
    apigeeMs,
    bundleBytes: zip.length,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

// The body's size, from the same compiler the construct uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compileAwsBody = (spec: GatewaySpec) => (require('../providers/aws/compile') as typeof import('../providers/aws/compile')).compileAws(spec).body;

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? '10,100,500,2000').split(',').map(Number);
  const specs = new Map(sizes.map((n) => [n, toGatewaySpec(generateGateway(n))]));
  // Warm-up: module loading and handler bundling are paid once, before any timing.
  await measure(specs.get(sizes[0])!, false);
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await measure(specs.get(n)!, n <= 500));
  console.log('| routes | AWS synth ms | CFN resources | template bytes | processed template bytes | API body bytes | Azure compile ms | APIM resources | APIM policy bytes | Apigee compile+zip ms | bundle bytes | max RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.routes} | ${r.awsMs.toFixed(0)} | ${r.awsResources} | ${r.templateBytes} | ${r.processedBytes} | ${r.bodyBytes} | ${r.azureMs.toFixed(0)} | ${r.azureResources < 0 ? 'n/m' : r.azureResources} | ${r.policyBytes} | ${r.apigeeMs.toFixed(0)} | ${r.bundleBytes} | ${r.maxRssMb} |`);
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  const total = (r: Row) => r.awsMs + r.azureMs + r.apigeeMs;
  console.log('');
  console.log(`AWS resources at ${first.routes} and ${last.routes} routes: ${first.awsResources} and ${last.awsResources} (${first.awsResources === last.awsResources ? 'same' : 'DIFFERENT'})`);
  console.log(`${last.routes}-route processed template: ${last.processedBytes} bytes (${last.processedBytes < 1_000_000 ? 'under' : 'OVER'} 1 MB; the ${last.bodyBytes}-byte body ships to S3 for API Gateway to import when large)`);
  console.log(`time ${last.routes} / ${first.routes} routes, all targets: ${(total(last) / total(first)).toFixed(2)}x (goal <= 3x); per target: aws ${(last.awsMs / first.awsMs).toFixed(2)}x, azure ${(last.azureMs / first.azureMs).toFixed(2)}x, apigee ${(last.apigeeMs / first.apigeeMs).toFixed(2)}x`);
  console.log('APIM resources are counted under Pulumi mocks up to 500 routes (n/m: not measured; registering thousands of mocked resources measures the mock engine, not anygate)');
}

/**
 * AWS at the size issues #12 and #20 name: JWT with a scope on every route, GETs cached, writes
 * rate limited, two stages. CloudFormation caps the processed template at 1 MB and the stack at 500
 * resources; the count must not grow with routes.
 */
function awsIssueSizes(): void {
  const sizes = (process.env.BENCH_AWS_SIZES ?? '10,2000,5000').split(',').map(Number);
  console.log('');
  console.log('| AWS (JWT+scope everywhere, GETs cached, writes limited, 2 stages) routes | synth ms | CFN resources | processed template bytes | API body bytes |');
  console.log('|---|---|---|---|---|');
  for (const n of sizes) {
    const spec = toGatewaySpec(generateAwsScaleGateway(n));
    const out = mkdtempSync(path.join(tmpdir(), 'anygate-aws-scale-'));
    const t = process.hrtime.bigint();
    const aws = synthAws(spec, out, undefined, AWS_ENV);
    const synthMs = ms(t);
    const body = Buffer.byteLength(JSON.stringify(compileAwsBody(spec)));
    console.log(`| ${n} | ${synthMs.toFixed(0)} | ${aws.resources} | ${aws.processedBytes} (${aws.processedBytes < 1_000_000 ? 'under' : 'OVER'} 1 MB) | ${body} |`);
    rmSync(out, { recursive: true, force: true });
  }
}

main().then(awsIssueSizes).catch((e) => {
  console.error(e);
  process.exit(1);
});
