/**
 * out/azure/<stage>: the ApimPlan (plan.json, the API and product policy XML files) and
 * resources.json, the resource
 * list written straight from the plan (no Pulumi runtime). Deploy-time references are shown as
 * placeholders (`<secret env:KEY>`, `<binding orders-fn url>`, `<arg serviceName>`,
 * `<petstore-api.id>`): no key value is read, so none can leak into the output. A policy's XML is
 * written once: the API and product policies as files under policies/, the operation policies in
 * plan.json; resources.json names it in the policy resource's `value` (`<policy policies/api.xml>`,
 * `<policy policies/operations/<id>.xml>`, paths as unpacked: bin/synth/contents.ts).
 */
import * as path from 'node:path';
import type { AzureSku } from '../../lib/capabilities/types';
import type { GatewaySpec } from '../../lib/model/types';
import { compileAzure } from '../../providers/azure/compile';
import { prefixValue } from '../../providers/azure/resources';
import { isDeployRef, type DeployRef, type PlannedResource, type PlanValue } from '../../providers/shared/resources';
import { JsonOut, writeFile } from './files';
import { azureComponentWarnings } from './report-warnings';
import type { Artifact } from './types';

export interface AzureResult {
  artifacts: Artifact[];
  resources: number;
  policies: number;
  warnings: string[];
  /** The policy documents written as files of their own (API and product policies). */
  policyFiles: string[];
}

function placeholder(ref: DeployRef): string {
  switch (ref.$ref) {
    case 'secret':
      return `<secret ${ref.secretRef}>`;
    case 'binding':
      return `<binding ${ref.binding} ${ref.property}>`;
    case 'arg':
      return `<arg ${ref.name}>`;
    case 'resource':
      return `<${ref.name}.${ref.property}>`;
    case 'json':
      return JSON.stringify(withPlaceholders(ref.value));
  }
}

/** A value with its references as placeholders, keys in their order (the JSON text a json reference becomes). */
function withPlaceholders(v: PlanValue): unknown {
  if (isDeployRef(v)) return placeholder(v);
  if (Array.isArray(v)) return v.map(withPlaceholders);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withPlaceholders(x)]));
  return v;
}

/** Inputs with sorted keys and references as placeholders. */
function render(v: PlanValue): unknown {
  if (isDeployRef(v)) return placeholder(v);
  if (Array.isArray(v)) return v.map(render);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, render((v as Record<string, PlanValue>)[k])]));
  return v;
}

/**
 * `render` of the value prefixResources gives, in one walk that copies only what changes: the
 * inputs of a compiled plan already have their keys sorted (compileAzure's output is canonical),
 * so only the objects holding a reference are copied; a part without one (an operation's
 * parameters, responses) is the plan's own object. A reference object met again (every resource's
 * resourceGroupName is one) is rendered once per walk of the list (`refs`).
 */
function renderPrefixed(v: PlanValue, prefix: string, refs: Map<object, unknown>): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      const y = renderPrefixed(x, prefix, refs);
      if (out) out.push(y);
      else if (y !== x) {
        out = v.slice(0, i) as unknown[];
        out.push(y);
      }
    }
    return out ?? v;
  }
  if (v && typeof v === 'object') {
    if ('$ref' in v) {
      let text = refs.get(v);
      if (text === undefined) refs.set(v, (text = render(prefixValue(v, prefix))));
      return text;
    }
    const o = v as Record<string, PlanValue>;
    const keys = Object.keys(o);
    let sorted = true;
    for (let i = 1; i < keys.length; i++) {
      if (keys[i - 1]! > keys[i]!) {
        sorted = false;
        break;
      }
    }
    if (!sorted) keys.sort();
    let out: Record<string, unknown> | undefined = sorted ? undefined : {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const x = o[k]!;
      const y = renderPrefixed(x, prefix, refs);
      if (!out && y !== x) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
      }
      if (out) out[k] = y;
    }
    return out ?? v;
  }
  return v;
}

/**
 * resources.json: every resource the stage's component creates (named as prefixResources names
 * them), sorted by name. Parts without references are shared with `resources`, not copied: treat
 * the result as read-only.
 */
export function resourceList(resources: readonly PlannedResource[], component: string): { type: string; name: string; inputs: unknown; dependsOn: string[] }[] {
  const refs = new Map<object, unknown>();
  return resources
    .map((r) => ({ type: r.type, name: `${component}-${r.name}`, inputs: renderPrefixed(r.inputs as PlanValue, component, refs), dependsOn: r.dependsOn.map((d) => `${component}-${d}`) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function synthAzure(spec: GatewaySpec, outDir: string, stages: string[], sku: AzureSku | undefined): Promise<AzureResult> {
  const artifacts: Artifact[] = [];
  const policyFiles: string[] = [];
  let resources = 0;
  let policies = 0;
  const warnings = new Set<string>();
  const json = new JsonOut();
  for (const stage of stages) {
    const plan = compileAzure(spec, { sku, stage });
    plan.warnings.forEach((w) => warnings.add(w));
    for (const w of azureComponentWarnings(spec, plan)) warnings.add(w);
    const base = `azure/${stage}`;
    const add = (kind: string, name: string, rel: string, content: string | Buffer) => {
      artifacts.push({ target: 'azure', kind, name, path: writeFile(outDir, rel, content) });
      if (kind === 'policy') {
        policyFiles.push(path.join(outDir, rel));
        policies++;
      }
    };
    add('policy', `${stage}/api`, `${base}/policies/api.xml`, plan.apiPolicy);
    for (const p of plan.products) if (p.policy) add('policy', `${stage}/product/${p.id}`, `${base}/policies/products/${p.id}.xml`, p.policy);
    const { resources: list, ...rest } = plan;
    artifacts.push({ target: 'azure', kind: 'plan', name: `${stage}/plan`, path: json.write(outDir, `${base}/plan.json`, rest) });
    // Operation policies (one per route) are written once, inside plan.json (and as the value of
    // their ApiOperationPolicy in resources.json), not as a file each: creating thousands of
    // files was most of a large synthesis. The manifest says where each one is held, so `anygate
    // diff` and bin/synth/contents.ts read them as the files they were.
    plan.operations.forEach((o, i) => {
      if (!o.policy) return;
      artifacts.push({ target: 'azure', kind: 'policy', name: `${stage}/operation/${o.id}`, path: `${base}/plan.json`, entry: `policies/operations/${o.id}.xml`, pointer: `/operations/${i}/policy` });
      policies++;
    });
    const graph = resourceList(list, spec.name);
    // Each policy resource's XML is held once (policies/ or plan.json): resources.json names it
    // by its path as unpacked (contents.ts).
    const held = new Map<string, { xml: string; file: string }>([[`ApiPolicy ${plan.apiId}`, { xml: plan.apiPolicy, file: 'policies/api.xml' }]]);
    for (const o of plan.operations) if (o.policy) held.set(`ApiOperationPolicy ${plan.apiId} ${o.id}`, { xml: o.policy, file: `policies/operations/${o.id}.xml` });
    for (const p of plan.products) if (p.policy) held.set(`ProductPolicy ${p.id}`, { xml: p.policy, file: `policies/products/${p.id}.xml` });
    const keyOf: Record<string, (i: Record<string, unknown>) => string> = {
      'azure-native:apimanagement:ApiPolicy': (i) => `ApiPolicy ${i.apiId}`,
      'azure-native:apimanagement:ApiOperationPolicy': (i) => `ApiOperationPolicy ${i.apiId} ${i.operationId}`,
      'azure-native:apimanagement:ProductPolicy': (i) => `ProductPolicy ${i.productId}`,
    };
    for (const r of graph) {
      const inputs = r.inputs as Record<string, unknown>;
      const policy = keyOf[r.type] && held.get(keyOf[r.type]!(inputs));
      // A copy with the value replaced (same key order): the inputs may be the plan's own object.
      if (policy && policy.xml === inputs.value) r.inputs = { ...inputs, value: `<policy ${policy.file}>` };
    }
    resources += graph.length;
    artifacts.push({ target: 'azure', kind: 'resources', name: `${stage}/resources`, path: json.write(outDir, `${base}/resources.json`, graph, 0) });
  }
  return { artifacts, resources, policies, warnings: [...warnings], policyFiles };
}
