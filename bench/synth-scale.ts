/**
 * Synthesis at scale, in one run: gateways of 10, 100, 500 and 2,000 routes (auth, caching, rate
 * limits, transforms, path parameters) synthesized for every target. Per size and target: time,
 * peak memory, and size figures; then the ratios the goals are stated in.
 *
 *   npx tsx bench/synth-scale.ts          (BENCH_SIZES=10,100 for a quick look)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthAws } from '../bin/synth/aws';
import { synthAzure } from '../bin/synth/azure';
import { loadSpec } from '../lib/load';
import { SynthesisError } from '../lib/model/errors';
import { toGatewaySpec } from '../lib/model/normalize';
import { compileKubernetes } from '../providers/kubernetes/compile';
import { stringify } from 'yaml';
import type { GatewaySpec } from '../lib/model/types';
import { bundleZip } from '../providers/apigee/bundle';
import { compileApigee } from '../providers/apigee/compile';
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

async function measure(spec: GatewaySpec): Promise<Row> {
  const out = mkdtempSync(path.join(tmpdir(), 'anygate-scale-'));
  let t = process.hrtime.bigint();
  const aws = synthAws(spec, out, undefined, AWS_ENV);
  const awsMs = ms(t);
  const templateText = readFileSync(aws.templateFile, 'utf8');
  const template = JSON.parse(templateText);
  t = process.hrtime.bigint();
  // The whole Azure synth of one stage: compile, policy files, plan.json and resources.json (no Pulumi runtime).
  const azure = await synthAzure(spec, out, ['prod'], undefined);
  const azureMs = ms(t);
  const policyBytes = azure.policyFiles.reduce((a, f) => a + Buffer.byteLength(readFileSync(f)), 0);
  const azureResources = azure.resources;
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
  await measure(specs.get(sizes[0])!);
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await measure(specs.get(n)!));
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
  console.log('APIM resources: the planned resource list of one stage (resources.json), written without the Pulumi runtime');
}

/**
 * Every target at the size issues #12 and #20 name: JWT with a scope on every route, GETs cached,
 * writes rate limited, two stages. Load time is measured from the spec written as JSON and as YAML
 * (loadSpec parses each once; JSON through JSON.parse). CloudFormation caps the processed template
 * at 1 MB and the stack at 500 resources (the count must not grow with routes); Apigee caps a
 * bundle at 15 MB.
 */
async function issueSizes(): Promise<void> {
  const sizes = (process.env.BENCH_AWS_SIZES ?? '10,2000,5000').split(',').map(Number);
  console.log('');
  console.log('| routes (JWT+scope everywhere, GETs cached, writes limited, 2 stages) | load JSON ms | load YAML ms | AWS synth ms | CFN resources | processed template bytes | Azure synth ms (one stage) | APIM resources | Apigee compile+zip ms | bundle bytes | Kubernetes compile ms | k8s objects | max RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    const input = generateAwsScaleGateway(n);
    const out = mkdtempSync(path.join(tmpdir(), 'anygate-issue-scale-'));
    const jsonFile = path.join(out, 'gateway.json');
    const yamlFile = path.join(out, 'gateway.yaml');
    writeFileSync(jsonFile, JSON.stringify(input));
    writeFileSync(yamlFile, stringify(input));
    let t = process.hrtime.bigint();
    const spec = (await loadSpec(jsonFile)).spec;
    const loadJsonMs = ms(t);
    t = process.hrtime.bigint();
    await loadSpec(yamlFile);
    const loadYamlMs = ms(t);
    t = process.hrtime.bigint();
    const aws = synthAws(spec, path.join(out, 'out'), undefined, AWS_ENV);
    const awsMs = ms(t);
    t = process.hrtime.bigint();
    const azure = await synthAzure(spec, path.join(out, 'out'), ['prod'], undefined);
    const azureMs = ms(t);
    t = process.hrtime.bigint();
    const zip = await bundleZip(compileApigee(spec));
    const apigeeMs = ms(t);
    // Envoy Gateway has no response cache: the kubernetes target refuses cached routes, loudly.
    t = process.hrtime.bigint();
    let objects: string;
    try {
      objects = String(compileKubernetes(spec).stages.reduce((a, st) => a + st.objects.length, 0));
    } catch (e) {
      if (!(e instanceof SynthesisError)) throw e;
      objects = `refused: ${[...new Set(e.problems.map((p) => p.feature))].join(', ')} (${e.problems.length} problems)`;
    }
    const k8sMs = ms(t);
    const rss = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(
      `| ${n} | ${loadJsonMs.toFixed(0)} | ${loadYamlMs.toFixed(0)} | ${awsMs.toFixed(0)} | ${aws.resources} | ${aws.processedBytes} (${aws.processedBytes < 1_000_000 ? 'under' : 'OVER'} 1 MB) | ${azureMs.toFixed(0)} | ${azure.resources} | ${apigeeMs.toFixed(0)} | ${zip.length} (${zip.length < 15 * 1024 * 1024 ? 'under' : 'OVER'} 15 MB) | ${k8sMs.toFixed(0)} | ${objects} | ${rss} |`,
    );
    rmSync(out, { recursive: true, force: true });
  }
}

main().then(issueSizes).catch((e) => {
  console.error(e);
  process.exit(1);
});
