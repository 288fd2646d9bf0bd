/** out/apigee: the proxy bundle (zip and unpacked apiproxy/) and the Pulumi resource graph. */
import * as path from 'node:path';
import type { ApigeeEnvironmentType } from '../../lib/capabilities/table';
import type { GatewaySpec } from '../../lib/model/types';
import { bundleZip, sha256 } from '../../providers/apigee/bundle';
import { compileApigee } from '../../providers/apigee/compile';
import { ApigeeGateway } from '../../providers/apigee/gateway';
import { json, writeFile } from './files';
import { recordComponent } from './pulumi';
import type { Artifact } from './types';

export interface ApigeeResult {
  artifacts: Artifact[];
  resources: number;
  policies: number;
  warnings: string[];
  bundleDir: string;
  zipBytes: number;
}

export async function synthApigee(spec: GatewaySpec, outDir: string, stages: string[], environmentType: ApigeeEnvironmentType | undefined): Promise<ApigeeResult> {
  const environments = Object.fromEntries(stages.map((s) => [s, s]));
  const plan = compileApigee(spec, { environmentType, environments });
  const artifacts: Artifact[] = [];
  const zip = await bundleZip(plan);
  // The same name the component gives it, so the Pulumi program and synth share one file.
  artifacts.push({ target: 'apigee', kind: 'bundle', name: plan.proxyName, path: writeFile(outDir, `apigee/${plan.proxyName}-${sha256(zip).slice(0, 12)}.zip`, zip) });
  for (const [file, content] of Object.entries(plan.files)) {
    artifacts.push({ target: 'apigee', kind: file.startsWith('policies/') ? 'policy' : 'proxy', name: file, path: writeFile(outDir, `apigee/apiproxy/${file}`, content) });
  }
  const { files: _files, ...rest } = plan;
  void _files;
  artifacts.push({ target: 'apigee', kind: 'plan', name: 'plan', path: writeFile(outDir, 'apigee/plan.json', json(rest)) });
  const bindings = plan.bindings;
  // Offline, each function binding stands for a Cloud Run host named after it.
  const functions = Object.fromEntries(bindings.map((b) => [b, `${b}.run.app`]));
  const bundleDir = path.join(outDir, 'apigee');
  const componentWarnings: string[] = [];
  const graph = await recordComponent(
    () => new ApigeeGateway(spec.name, { gateway: spec, orgId: 'apigee-org', environments, environmentType, functions, bundleDir }),
    (s) => (s.startsWith(outDir) ? path.relative(outDir, s).split(path.sep).join('/') : s),
    componentWarnings,
  );
  artifacts.push({ target: 'apigee', kind: 'resources', name: 'resources', path: writeFile(outDir, 'apigee/resources.json', json(graph)) });
  return { artifacts, resources: graph.length, policies: Object.keys(plan.files).filter((f) => f.startsWith('policies/')).length, warnings: [...new Set([...plan.warnings, ...componentWarnings])], bundleDir: path.join(outDir, 'apigee'), zipBytes: zip.length };
}
