/**
 * The declarative resource list a compiler's plan carries: every cloud resource a binder will
 * create, with its inputs and dependencies, as plain data. Binders (Pulumi components) only turn
 * these into resources; `anygate synth` writes resources.json straight from them, with no Pulumi
 * runtime. Values that exist only at deploy time are typed references, never magic strings.
 */

/** A value known only when the binder runs. */
export type DeployRef =
  /** An output property of another planned resource (by its logical name). */
  | { readonly $ref: 'resource'; readonly name: string; readonly property: string }
  /** A user-supplied function binding (Lambda, Azure Function, Cloud Run service). */
  | { readonly $ref: 'binding'; readonly binding: string; readonly property: 'url' | 'host' | 'name' | 'id' | 'audience' | 'key' }
  /** A component argument (resource group, service name, organization id...). */
  | { readonly $ref: 'arg'; readonly name: string }
  /** A secret read at deploy time from where `secretRef` says (`env:NAME`, a vault URI...). */
  | { readonly $ref: 'secret'; readonly secretRef: string }
  /** The JSON text of a value once the references in it are resolved (a workbook's serializedData naming a resource id). */
  | { readonly $ref: 'json'; readonly value: PlanValue };

/** A resource input: plain JSON data that may hold deploy-time references anywhere. */
export type PlanValue = string | number | boolean | null | DeployRef | PlanValue[] | { readonly [key: string]: PlanValue };

export interface PlannedResource {
  /** The provider's type token, e.g. `azure-native:apimanagement:Api`. */
  readonly type: string;
  /** Logical name: stable across compiles (it becomes the URN); adding a route never renames one. */
  readonly name: string;
  readonly inputs: { readonly [key: string]: PlanValue };
  /** Logical names of resources that must be created first (sorted). */
  readonly dependsOn: readonly string[];
}

/** The kinds of {@link DeployRef}: any other `$ref` is data (a JSON Schema reference in an API schema). */
const DEPLOY_REF_KINDS = new Set(['resource', 'binding', 'arg', 'secret', 'json']);

export function isDeployRef(v: unknown): v is DeployRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && DEPLOY_REF_KINDS.has((v as { $ref?: unknown }).$ref as string);
}

export function resourceRef(name: string, property: string): DeployRef {
  return { $ref: 'resource', name, property };
}

export function bindingRef(binding: string, property: Extract<DeployRef, { $ref: 'binding' }>['property']): DeployRef {
  return { $ref: 'binding', binding, property };
}

export function argRef(name: string): DeployRef {
  return { $ref: 'arg', name };
}

/** `value` as JSON text, its references resolved first: a JSON-string input that must name a deploy-time value. */
export function jsonRef(value: PlanValue): DeployRef {
  return { $ref: 'json', value };
}

export function secretRef(ref: string): DeployRef {
  return { $ref: 'secret', secretRef: ref };
}
