/** out/azure/<stage>: the ApimPlan (policy XML files, plan.json) and the Pulumi resource graph. */
import * as path from 'node:path';
import type { AzureSku } from '../../lib/capabilities/table';
import { functionBindings } from '../../lib/model/bindings';
import type { GatewaySpec } from '../../lib/model/types';
import { compileAzure } from '../../providers/azure/compile';
import { AzureApimGateway } from '../../providers/azure/gateway';
import { json, writeFile } from './files';
import { recordComponent } from './pulumi';
import type { Artifact } from './types';

export interface AzureResult {
  artifacts: Artifact[];
  resources: number;
  policies: number;
  warnings: string[];
  policyFiles: string[];
}

export async function synthAzure(spec: GatewaySpec, outDir: string, stages: string[], sku: AzureSku | undefined): Promise<AzureResult> {
  const artifacts: Artifact[] = [];
  const policyFiles: string[] = [];
  let resources = 0;
  const warnings = new Set<string>();
  // Offline, each function binding stands for a function app named after it.
  const functions = Object.fromEntries(functionBindings(spec).map((b) => [b, `https://${b}.azurewebsites.net/api`]));
  const componentWarnings: string[] = [];
  for (const stage of stages) {
    const plan = compileAzure(spec, { sku, stage });
    plan.warnings.forEach((w) => warnings.add(w));
    const base = `azure/${stage}`;
    const add = (kind: string, name: string, rel: string, content: string) => {
      artifacts.push({ target: 'azure', kind, name, path: writeFile(outDir, rel, content) });
      if (kind === 'policy') policyFiles.push(path.join(outDir, rel));
    };
    add('policy', `${stage}/api`, `${base}/policies/api.xml`, plan.apiPolicy);
    for (const o of plan.operations) if (o.policy) add('policy', `${stage}/operation/${o.id}`, `${base}/policies/operations/${o.id}.xml`, o.policy);
    for (const p of plan.products) if (p.policy) add('policy', `${stage}/product/${p.id}`, `${base}/policies/products/${p.id}.xml`, p.policy);
    add('plan', `${stage}/plan`, `${base}/plan.json`, json(plan));
    const graph = await recordComponent(
      // Offline, secret references stay references: no key value is read, so none can leak into the output.
      () => new AzureApimGateway(spec.name, { gateway: spec, stage, sku, resourceGroupName: 'resource-group', serviceName: 'apim-service', functions, resolveSecret: (ref) => `<secret ${ref}>` }),
      (s) => s,
      componentWarnings,
    );
    componentWarnings.forEach((w) => warnings.add(w));
    resources += graph.length;
    add('resources', `${stage}/resources`, `${base}/resources.json`, json(graph));
  }
  return { artifacts, resources, policies: policyFiles.length, warnings: [...warnings], policyFiles };
}
