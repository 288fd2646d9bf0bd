/**
 * Per-feature golden fragments (test/golden/features/): what each target's pure compiler emits for
 * one small spec, cut into named items (an operation, a policy document, a bundle file, a
 * Kubernetes object) so a case's golden holds only what its feature changes.
 *
 * The cut is by subtraction, not by per-feature knowledge: `backend.http` is the baseline case (one
 * plain route to one HTTP backend), and an item equal to the baseline's item of the same name is
 * left out. A new feature therefore needs no code here, only a case file; and a change that
 * touches every route shows in the baseline golden once, not in every case.
 *
 * No CDK, no bundling, no clock: compilers only, so a CDK or esbuild upgrade changes no fragment.
 */
import { stringify } from 'yaml';
import { formatProblem, SynthesisError } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import type { Target } from '../../lib/capabilities/types';
import { compileApigee, type ApigeeCompileOptions } from '../../providers/apigee/compile';
import { TRACE_CONFIG_TYPE } from '../../providers/apigee/observability';
import { SCRIPT_NAME, SCRIPT_SOURCE } from '../../providers/apigee/script';
import { compileAws, type AwsCompileOptions } from '../../providers/aws/compile';
import { compileAzure, type AzureCompileOptions } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import type { K8sObject, KubernetesCompileOptions } from '../../providers/kubernetes/plan';
import { toYaml } from '../../providers/kubernetes/yaml';

export const FEATURE_TARGETS: readonly Target[] = ['aws', 'azure', 'apigee', 'kubernetes'];

/** The case every other case is compared with. */
export const BASELINE_CASE = 'backend.http';

/** One named piece of a target's output; `path` is where it sits in the rendered fragment. */
export interface Item {
  readonly path: readonly string[];
  readonly value: unknown;
}

/** A target's output for one spec: its items, or the refusal lines. */
export type Output = { readonly items: Item[] } | { readonly refused: string[] };

/**
 * Compile options of a case (its `<case>.compile.yaml`), for what a spec cannot say: the Apigee
 * environment type, an external cache on the APIM service. Azure's `stage` is set per stage.
 */
export interface CaseOptions {
  readonly aws?: AwsCompileOptions;
  readonly azure?: Omit<AzureCompileOptions, 'stage'>;
  readonly apigee?: ApigeeCompileOptions;
  readonly kubernetes?: KubernetesCompileOptions;
}

const item = (path: readonly string[], value: unknown): Item => ({ path, value });

// Azure resources whose content the fragment already shows as `apiPolicy` and `operations`.
const AZURE_SHOWN_ELSEWHERE = new Set(['azure-native:apimanagement:ApiPolicy', 'azure-native:apimanagement:ApiOperation', 'azure-native:apimanagement:ApiOperationPolicy']);

function awsItems(spec: GatewaySpec, o: CaseOptions): Item[] {
  const plan = compileAws(spec, o.aws);
  const body = plan.body as Record<string, any>;
  const out: Item[] = [];
  for (const [p, ops] of Object.entries<Record<string, unknown>>(body.paths ?? {})) {
    for (const [m, op] of Object.entries(ops)) out.push(item(['body', 'paths', p, m], op));
  }
  for (const [section, entries] of Object.entries<Record<string, unknown>>(body.components ?? {})) {
    for (const [name, v] of Object.entries(entries)) out.push(item(['body', 'components', section, name], v));
  }
  // info and openapi are the same document header in every case; bodyHash and resourceCount
  // restate the body.
  for (const [k, v] of Object.entries(body)) if (!['paths', 'components', 'info', 'openapi'].includes(k)) out.push(item(['body', k], v));
  out.push(item(['apiKeySource'], plan.apiKeySource));
  for (const [name, s] of Object.entries(plan.stages)) out.push(item(['stages', name], s));
  for (const [id, u] of Object.entries(plan.usagePlans)) out.push(item(['usagePlans', id], u));
  for (const [id, k] of Object.entries(plan.apiKeys)) out.push(item(['apiKeys', id], k));
  for (const [name, o] of Object.entries(plan.observability.stages)) out.push(item(['observability', name], o));
  out.push(item(['accessLogFormat'], plan.observability.accessLogFormat));
  out.push(item(['functions'], plan.functions), item(['warnings'], plan.warnings));
  // The generated functions' configuration, not their bundled JavaScript (tested by behaviour).
  if (plan.authorizer) out.push(item(['authorizer'], plan.authorizer));
  if (plan.transform) out.push(item(['transform'], plan.transform));
  // The generated LLM proxy's configuration, secrets, table and guardrails (test/aws/llm.test.ts builds the construct).
  if (plan.llm) out.push(item(['llm'], plan.llm));
  // The AgentCore Gateway and target per stage the construct builds from it (test/aws/mcp.test.ts).
  if (plan.mcp) out.push(item(['mcp'], plan.mcp));
  if (plan.domains) out.push(item(['domains'], plan.domains), item(['disableExecuteApiEndpoint'], plan.disableExecuteApiEndpoint ?? false));
  return out;
}

function azureItems(spec: GatewaySpec, o: CaseOptions): Item[] {
  // One component per stage, as synth compiles it.
  return Object.keys(spec.stages).flatMap((stage) => {
    const plan = compileAzure(spec, { ...o.azure, stage });
    return [
      item([stage, 'apiPolicy'], plan.apiPolicy),
      ...plan.operations.map((o) => item([stage, 'operations', o.id], o)),
      ...plan.resources.filter((r) => !AZURE_SHOWN_ELSEWHERE.has(r.type)).map((r) => item([stage, 'resources', r.name], r)),
      item([stage, 'warnings'], plan.warnings),
      ...(plan.hostnames ? [item([stage, 'hostnames'], plan.hostnames), item([stage, 'enableClientCertificate'], plan.enableClientCertificate ?? false)] : []),
    ];
  });
}

function apigeeItems(spec: GatewaySpec, o: CaseOptions): Item[] {
  const plan = compileApigee(spec, o.apigee);
  // The proxy descriptor (apiproxy/<name>.xml) only lists the other files' names.
  const files = Object.entries(plan.files).filter(([f]) => f.includes('/'));
  // The shared script is a library, the same for every spec: its presence is the feature's
  // output, its bytes are not (providers/apigee's own tests run it).
  const shown = (f: string, text: string) => (f === `resources/jsc/${SCRIPT_NAME}` && text === SCRIPT_SOURCE ? '(SCRIPT_SOURCE of providers/apigee/script.ts)' : text);
  return [
    ...files.map(([f, text]) => item(['files', f], shown(f, text))),
    ...plan.products.map((p) => item(['products', p.name], p)),
    ...plan.developers.map((d) => item(['developers', d.consumer], d)),
    ...plan.apps.map((a) => item(['apps', a.name], a)),
    ...plan.targetServers.map((t) => item(['targetServers', t.name], t)),
    item(['environments'], plan.environments),
    item(['bindings'], plan.bindings),
    item(['warnings'], plan.warnings),
    ...(plan.domains ? [item(['domains'], plan.domains)] : []),
    // Each stage's MCP Discovery Proxy: its bundle files and where it is served.
    ...(plan.mcpProxies ?? []).flatMap((m) => [item(['mcpProxies', m.proxyName, 'basePath'], m.basePath), item(['mcpProxies', m.proxyName, 'hostnames'], m.hostnames), ...Object.entries(m.files).filter(([f]) => f.includes('/')).map(([f, text]) => item(['mcpProxies', m.proxyName, 'files', f], text))]),
    // Cloud Monitoring's alert policies and dashboards, the log-based metric of the top-consumers
    // panel and the environments' trace configs (the other resources follow from the items above).
    ...plan.resources.filter((r) => r.type.startsWith('gcp:monitoring/') || r.type.startsWith('gcp:logging/') || r.type === TRACE_CONFIG_TYPE).map((r) => item(['resources', r.name], r)),
  ];
}

function kubernetesItems(spec: GatewaySpec, o: CaseOptions): Item[] {
  const plan = compileKubernetes(spec, o.kubernetes);
  return [
    ...plan.stages.flatMap((s) => s.objects.map((o) => item(['objects', `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`], o))),
    item(['notes'], plan.notes),
  ];
}

const ITEMS: Record<Target, (spec: GatewaySpec, o: CaseOptions) => Item[]> = { aws: awsItems, azure: azureItems, apigee: apigeeItems, kubernetes: kubernetesItems };

/** A target's output for the spec; a SynthesisError becomes its problem lines, anything else throws. */
export function targetOutput(spec: GatewaySpec, target: Target, options: CaseOptions = {}): Output {
  try {
    return { items: ITEMS[target](spec, options) };
  } catch (e) {
    if (e instanceof SynthesisError) return { refused: e.problems.map(formatProblem) };
    throw e;
  }
}

/**
 * The whole documents the validators need (a fragment is not a document): the AWS body and the
 * Apigee bundle files; undefined where the target refuses.
 */
export function fullOutputs(spec: GatewaySpec, o: CaseOptions = {}): { awsBody?: Record<string, unknown>; apigeeFiles?: Record<string, string>; apigeeMcpFiles?: Record<string, Record<string, string>> } {
  const whole = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (e instanceof SynthesisError) return undefined;
      throw e;
    }
  };
  const apigee = whole(() => compileApigee(spec, o.apigee));
  return { awsBody: whole(() => compileAws(spec, o.aws).body), apigeeFiles: apigee?.files, apigeeMcpFiles: Object.fromEntries((apigee?.mcpProxies ?? []).map((m) => [m.proxyName, m.files])) };
}

/** Object keys sorted at every depth (arrays keep their order): one text for one value. */
export function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedDeep((v as Record<string, unknown>)[k])]));
}

const itemKey = (i: Item) => JSON.stringify(i.path);
const same = (a: unknown, b: unknown) => JSON.stringify(sortedDeep(a)) === JSON.stringify(sortedDeep(b));

/** The items that differ from the baseline's item of the same path (all of them when there is no baseline). */
export function subtract(items: readonly Item[], baseline: readonly Item[] | undefined): Item[] {
  if (!baseline) return [...items];
  const base = new Map(baseline.map((i) => [itemKey(i), i.value]));
  return items.filter((i) => !base.has(itemKey(i)) || !same(base.get(itemKey(i)), i.value));
}

/** File name of a case's golden for a target: `.yaml` for a fragment, `.refused.txt` for refusal lines. */
export function goldenName(feature: string, target: Target, output: Output): string {
  return 'refused' in output ? `${feature}.${target}.refused.txt` : `${feature}.${target}.yaml`;
}

function header(feature: string, target: Target): string {
  const from = feature === BASELINE_CASE ? 'the whole output (the baseline every other case is compared with)' : `what differs from ${BASELINE_CASE}.${target}.yaml`;
  return `# ${feature} on ${target}: ${from}.\n# Written by test/golden/features.test.ts with UPDATE_GOLDEN=1; do not edit.\n`;
}

/** Items as one nested mapping, in item order. */
function nest(items: readonly Item[]): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const i of items) {
    let at = root;
    for (const k of i.path.slice(0, -1)) at = at[k] ??= {};
    at[i.path[i.path.length - 1]] = sortedDeep(i.value);
  }
  return root;
}

/**
 * The golden text. Kubernetes: the kept objects as the YAML stream `kubectl apply` reads (written
 * by the compiler's own writer), notes as comments. Others: one YAML mapping with keys sorted, XML
 * and other multi-line strings as literal blocks so a policy reads as the cloud sees it.
 */
export function render(feature: string, target: Target, output: Output, kept: readonly Item[]): string {
  if ('refused' in output) return output.refused.join('\n') + '\n';
  const head = header(feature, target);
  if (target === 'kubernetes') {
    const notes = kept.filter((i) => i.path[0] === 'notes').flatMap((i) => i.value as string[]);
    const objects = kept.filter((i) => i.path[0] === 'objects').map((i) => i.value as K8sObject);
    const text = objects.length ? toYaml(objects) : '{}\n';
    return head + notes.map((n) => `# note: ${n.replace(/\n/g, ' ')}\n`).join('') + text;
  }
  if (kept.length === 0) return `${head}{}\n`;
  return head + stringify(nest(kept), { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false });
}
