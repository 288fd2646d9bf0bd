/** out/aws: the CDK cloud assembly of the AwsGateway in a throwaway app. */
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, ArnFormat, Stack } from 'aws-cdk-lib/core';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { functionBindings } from '../../lib/model/bindings';
import { emittedProblems } from '../../lib/capabilities/support';
import { SynthesisError } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { AwsGateway } from '../../providers/aws/gateway';
import { syncDir } from './files';
import type { Artifact } from './types';

export interface AwsResult {
  artifacts: Artifact[];
  resources: number;
  warnings: string[];
  templateFile: string;
  /** Bytes of the processed template (the template plus every AWS::Include file), which CloudFormation caps at 1 MB. */
  processedBytes: number;
}

/**
 * Bytes of the processed template: the template plus every file AWS::Include pastes into it
 * (found in the cloud assembly by the asset hash in the include's S3 location), which is what
 * CloudFormation's 1 MB processed-template limit counts.
 */
export function processedTemplateBytes(templateFile: string): number {
  // The file as CDK writes and uploads it (indented), not a compact re-serialization.
  const text = readFileSync(templateFile, 'utf8');
  const assemblyDir = path.dirname(templateFile);
  let bytes = Buffer.byteLength(text);
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, { Name?: string; Parameters?: unknown }>;
      const include = o['Fn::Transform'];
      if (include?.Name === 'AWS::Include') {
        const hash = /([0-9a-f]{64})/.exec(JSON.stringify(include.Parameters))?.[1];
        if (hash) bytes += Buffer.byteLength(readFileSync(path.join(assemblyDir, `asset.${hash}.json`), 'utf8'));
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(text));
  return bytes;
}

/** From this many routes, the template is written unindented (CloudFormation counts whitespace toward its 1 MB). */
export const COMPACT_TEMPLATE_ROUTES = 1000;

/**
 * @param env account and region of the stack, for literal ARNs (`anygate synth --account --region`).
 * Without them the stack is environment-agnostic at any size: a large API body ships to S3 and its
 * ARNs are filled in at deploy time (providers/aws/body.ts). @default - CDK_DEFAULT_ACCOUNT and
 * CDK_DEFAULT_REGION when both are set, else an environment-agnostic stack; `{}`: environment-agnostic
 */
export function synthAws(spec: GatewaySpec, outDir: string, stages?: string[], env?: { account?: string; region?: string }): AwsResult {
  const dir = path.join(outDir, 'aws');
  // CDK writes a whole assembly each time: into a scratch dir, moved over out/aws file by file so
  // unchanged files keep their mtime (syncDir).
  // A new name each run: CDK stages an asset once per process and output dir (AssetStaging's cache).
  for (const e of existsSync(outDir) ? readdirSync(outDir) : []) if (e.startsWith('.aws-synth-')) rmSync(path.join(outDir, e), { recursive: true, force: true });
  const scratchDir = mkdtempSync(path.join(outDir, '.aws-synth-'));
  // env given ({} included): exactly that; otherwise the CDK variables.
  const account = env ? env.account : process.env.CDK_DEFAULT_ACCOUNT;
  const region = env ? env.region : process.env.CDK_DEFAULT_REGION;
  // CDK's built-in template validation is left to cfn-lint; it adds seconds to every synth.
  const app = new App({ outdir: scratchDir, builtinCloudFormationValidation: false, stackTraces: false, analyticsReporting: false });
  const stack = new Stack(app, `${spec.name}-gateway`, { ...(account && region ? { env: { account, region } } : {}), suppressTemplateIndentation: spec.routes.length >= COMPACT_TEMPLATE_ROUTES });
  // Offline there are no functions: each binding stands for a function of the same name in the account.
  const functions = Object.fromEntries(
    functionBindings(spec).map((b) => [b, lambda.Function.fromFunctionAttributes(stack, `Binding-${b}`, { functionArn: stack.formatArn({ service: 'lambda', resource: 'function', resourceName: b, arnFormat: ArnFormat.COLON_RESOURCE_NAME }), sameEnvironment: true })]),
  );
  const gw = new AwsGateway(stack, 'Gateway', { gateway: spec, functions, stageNames: stages });
  app.synth();
  stripStackTraces(path.join(scratchDir, `${stack.artifactId}.metadata.json`));
  syncDir(outDir, scratchDir, dir);
  const templateName = `${stack.artifactId}.template.json`;
  const template = JSON.parse(readFileSync(path.join(dir, templateName), 'utf8'));
  const artifacts: Artifact[] = [{ target: 'aws', kind: 'template', name: stack.stackName, path: `aws/${templateName}` }];
  const assets = readdirSync(dir).filter((d) => d.startsWith('asset.')).sort();
  for (const a of assets) {
    const indexFile = path.join(dir, a, 'index.js');
    const bundle = existsSync(indexFile) ? gw.bundles.find((b) => readFileSync(path.join(b.dir, 'index.js'), 'utf8') === readFileSync(indexFile, 'utf8') && readFileSync(path.join(b.dir, 'config.json'), 'utf8') === readFileSync(path.join(dir, a, 'config.json'), 'utf8')) : undefined;
    if (bundle) artifacts.push({ target: 'aws', kind: bundle.kind, name: `${spec.name}-${bundle.kind}`, path: `aws/${a}/index.js` });
    else artifacts.push({ target: 'aws', kind: 'asset', name: a, path: `aws/${a}` });
  }
  const processedBytes = processedTemplateBytes(path.join(dir, templateName));
  const problems = emittedProblems(spec, 'aws', { aws: { stages: Object.keys(gw.plan.stages) } }, 'size', [{ where: 'gateway', kind: 'processedTemplate', bytes: processedBytes }]);
  if (problems.length) throw new SynthesisError('aws', problems);
  return { artifacts, resources: Object.keys(template.Resources).length, warnings: gw.plan.warnings, templateFile: path.join(dir, templateName), processedBytes };
}

/**
 * CDK records construct creation stacks in the assembly's metadata: absolute paths and line numbers
 * that would make the output depend on the machine and the caller. The deploy needs none of them.
 */
function stripStackTraces(file: string): void {
  if (!existsSync(file)) return;
  const meta = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { type: string; trace?: unknown }[]>;
  for (const key of Object.keys(meta)) {
    meta[key] = meta[key].filter((e) => e.type !== 'aws:cdk:creationStack').map(({ trace: _trace, ...rest }) => rest);
    if (meta[key].length === 0) delete meta[key];
  }
  writeFileSync(file, JSON.stringify(meta, null, 2));
}
