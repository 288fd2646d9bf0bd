/**
 * Records the resource graph a component builds (type, name, dependsOn), so `anygate synth` can
 * write what `pulumi preview` would create without the Pulumi engine. Pulumi's runtime mocks do
 * not report dependsOn, so the components record it as they create resources.
 */
import type * as pulumi from '@pulumi/pulumi';

export interface GraphEntry {
  readonly type: string;
  readonly name: string;
  readonly dependsOn: string[];
}

export class ResourceGraph {
  readonly entries: GraphEntry[] = [];
  /** The resources themselves, so callers can wait for their registration. */
  readonly resources: pulumi.Resource[] = [];
  private readonly names = new Map<pulumi.Resource, string>();

  /** Creates a resource through `make`, depending on `deps`, and records it. */
  add<T extends pulumi.Resource>(type: string, name: string, deps: (pulumi.Resource | undefined)[], make: (dependsOn: pulumi.Resource[]) => T): T {
    const dependsOn = deps.filter((d): d is pulumi.Resource => d !== undefined);
    const r = make(dependsOn);
    this.names.set(r, name);
    this.resources.push(r);
    this.entries.push({ type, name, dependsOn: dependsOn.map((d) => this.names.get(d) ?? '?').sort() });
    return r;
  }
}

/** Reads an env:NAME secret reference at deploy time; the value stays a Pulumi secret. */
export function readEnvSecret(ref: string, what: string): pulumi.Output<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const p = require('@pulumi/pulumi') as typeof pulumi;
  const name = ref.slice('env:'.length);
  const value = process.env[name];
  if (value === undefined) throw new Error(`${what}: environment variable ${name} (from secretRef ${ref}) is not set`);
  return p.secret(value);
}
