/**
 * Runs a Pulumi component under runtime mocks and records the resource graph it registers: what
 * `pulumi preview` would create, without the Pulumi engine or a cloud account.
 */
import * as pulumi from '@pulumi/pulumi';
import type { ResourceGraph } from '../../providers/shared/graph';

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  dependsOn: string[];
}

let sink: { type: string; name: string; inputs: Record<string, unknown> }[] | undefined;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        sink?.push({ type: args.type, name: args.name, inputs: args.inputs });
        // Outputs that components read back, with stable placeholder values.
        return { id: `${args.name}-id`, state: { ...args.inputs, latestRevisionId: '1', gatewayUrl: `https://${args.name}.azure-api.net`, name: args.inputs.name ?? args.name } };
      },
      call: (args) => (args.token.includes('getApiManagementService') ? { gatewayUrl: 'https://apim-service.azure-api.net' } : {}),
    },
    'anygate-synth',
    'synth',
    false,
  );
}

/** Builds a component under mocks and waits for every registration; warnings it logs are returned, not printed. */
export async function recordComponent(build: () => { graph: ResourceGraph; urn: pulumi.Output<string> }, relativize: (s: string) => string, warnings: string[] = []): Promise<RecordedResource[]> {
  install();
  const recorded: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  sink = recorded;
  // Without an engine, pulumi.log writes to console.warn; collect those for the synth summary.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const m = String(args[0] ?? '').replace(/^warning: \[runtime\] /, '');
    if (!warnings.includes(m)) warnings.push(m);
  };
  let component: { graph: ResourceGraph; urn: pulumi.Output<string> };
  try {
    component = build();
    // Every resource is registered once its urn resolves (some wait for inputs such as the bundle zip).
    const urns = [component.urn, ...component.graph.resources.map((r) => r.urn)];
    await Promise.all(urns.map((u) => new Promise<void>((resolve) => u.apply(() => resolve()))));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  } finally {
    console.warn = warn;
    sink = undefined;
  }
  const deps = new Map(component.graph.entries.map((e) => [e.name, e.dependsOn]));
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return relativize(v);
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, clean((v as Record<string, unknown>)[k])]));
    return v;
  };
  return recorded
    .map((r) => ({ type: r.type, name: r.name, inputs: clean(r.inputs) as Record<string, unknown>, dependsOn: deps.get(r.name) ?? [] }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
