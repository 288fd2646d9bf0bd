/**
 * out/apigee: the proxy bundle (the zip ApigeeGateway deploys), the plan, and resources.json
 * written straight from the plan's resource list (no Pulumi runtime). The bundle's files are
 * written once, in the zip: the manifest lists each one with its entry name, and
 * bin/synth/contents.ts reads them (`anygate diff`, the goldens, apigeelint on the unpacked tree).
 */
import * as path from 'node:path';
import type { ApigeeEnvironmentType } from '../../lib/capabilities/types';
import type { GatewaySpec } from '../../lib/model/types';
import { bundleZip, sha256 } from '../../providers/apigee/bundle';
import { compileApigee } from '../../providers/apigee/compile';
import { namedResources } from '../../providers/apigee/resources';
import { jsonBytes, writeFile } from './files';
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
  // The name ApigeeGateway gives the same bytes, so a Pulumi program and synth agree.
  const zipPath = writeFile(outDir, `apigee/${plan.proxyName}-${sha256(zip).slice(0, 12)}.zip`, zip);
  artifacts.push({ target: 'apigee', kind: 'bundle', name: plan.proxyName, path: zipPath });
  for (const file of Object.keys(plan.files)) {
    artifacts.push({ target: 'apigee', kind: file.startsWith('policies/') ? 'policy' : 'proxy', name: file, path: zipPath, entry: `apiproxy/${file}` });
  }
  // Each stage's MCP Discovery Proxy: a bundle of its own, named as ApigeeGateway names it, in a
  // folder of its own (its files unpack to apigee/mcp/<proxy>/apiproxy/, beside the proxy's).
  for (const m of plan.mcpProxies ?? []) {
    const mcpZip = await bundleZip(m);
    const mcpPath = writeFile(outDir, `apigee/mcp/${m.proxyName}/${m.proxyName}-${sha256(mcpZip).slice(0, 12)}.zip`, mcpZip);
    artifacts.push({ target: 'apigee', kind: 'bundle', name: m.proxyName, path: mcpPath });
    for (const file of Object.keys(m.files)) artifacts.push({ target: 'apigee', kind: 'proxy', name: `${m.proxyName}/${file}`, path: mcpPath, entry: `apiproxy/${file}` });
  }
  const { files: _files, resources, mcpProxies, ...rest } = plan;
  void _files;
  artifacts.push({ target: 'apigee', kind: 'plan', name: 'plan', path: writeFile(outDir, 'apigee/plan.json', jsonBytes({ ...rest, ...(mcpProxies ? { mcpProxies: mcpProxies.map(({ files: _f, ...m }) => m) } : {}) })) });
  // Named as a component named after the gateway names them (its URNs).
  artifacts.push({ target: 'apigee', kind: 'resources', name: 'resources', path: writeFile(outDir, 'apigee/resources.json', jsonBytes(namedResources(resources, spec.name))) });
  return { artifacts, resources: resources.length, policies: Object.keys(plan.files).filter((f) => f.startsWith('policies/')).length, warnings: plan.warnings, bundleDir: path.join(outDir, 'apigee'), zipBytes: zip.length };
}
