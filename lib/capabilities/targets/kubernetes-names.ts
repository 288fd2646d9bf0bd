/**
 * The names the Kubernetes compiler gives objects, where a record must know them before anything
 * is emitted: DNS-1123 labels derived from spec names, each stage's namespace and function
 * binding Services, and the Services generated for HTTP backends. The compiler
 * (providers/kubernetes) and the records (kubernetes.ts) share these functions.
 */
import { createHash } from 'node:crypto';
import { TextMemo } from '../../model/text-memo';
import type { GatewaySpec, HttpBackendSpec } from '../../model/types';
import type { SupportOptions } from '../types';

const MAX = 63;

/** A Service reference: a function binding's, given per stage, or generated. */
export interface ServiceName {
  readonly name: string;
  /** @default - the stage's namespace */
  readonly namespace?: string;
}

export function shortHash(s: string, n = 6): string {
  return createHash('sha256').update(s).digest('hex').slice(0, n);
}

/** What the folding below leaves as it is: a label already (lower-case words joined by single `-`). */
const LABEL = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * The label of each name folded so far, by the name: a function of the name alone (its hash
 * included), asked again by every compile of the same gateway.
 */
const folded = new TextMemo<string>();

/** A DNS-1123 label from `parts`: lower-case, `-` separated, at most 63 characters. */
export function dnsLabel(...parts: string[]): string {
  const raw = parts.join('-');
  // Most names (route ids, gateway and stage names) are labels already: one test instead of the folding.
  if (raw.length <= MAX && LABEL.test(raw)) return raw;
  return folded.get(raw, fold);
}

/** dnsLabel of a name that is not a label already. */
function fold(raw: string): string {
  const clean = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Lossy folding (case, punctuation, length) gets a hash of the original so names stay unique.
  if (clean === raw && clean.length <= MAX && clean) return clean;
  const h = shortHash(raw);
  const head = clean.slice(0, MAX - h.length - 1).replace(/-+$/g, '');
  return head ? `${head}-${h}` : `x-${h}`;
}

/** The namespace of a stage: the options', else the spec's kubernetes.namespaces, else `<gateway name>-<stage>`. */
export function stageNamespace(spec: GatewaySpec, options: SupportOptions['kubernetes'], stage: string): string {
  return options?.namespaces?.[stage] ?? spec.kubernetes?.namespaces?.[stage] ?? dnsLabel(spec.name, stage);
}

/** The URLs an HTTP backend has in a stage: the stage's override, else its weighted targets, else its URL. */
export function stageBackendUrls(spec: GatewaySpec, stage: string, backend: string): { url: string; weight?: number }[] {
  const override = spec.stages[stage]?.backends[backend]?.url;
  const http = spec.backends[backend] as HttpBackendSpec;
  return override ? [{ url: override }] : http.targets ? http.targets.map((t) => ({ url: t.url, weight: t.weight })) : [{ url: http.url! }];
}

/** The name of the Service (or Backend) generated for URL `index` of `count` of an HTTP backend. */
export function backendObjectName(gateway: string, backend: string, index: number, count: number): string {
  return dnsLabel(gateway, backend, ...(count > 1 ? [String(index + 1)] : []));
}

/** The Service of a function binding in a stage (the map given for the stage, or one named after the binding). */
export function bindingServiceName<S extends ServiceName>(functions: Readonly<Record<string, S>> | undefined, binding: string): S | ServiceName {
  return functions?.[binding] ?? { name: dnsLabel(binding) };
}

/** The Services of a stage's function bindings, by binding: the options' win over the spec's kubernetes.functions, binding by binding. */
export function stageFunctions(spec: GatewaySpec, options: SupportOptions['kubernetes'], stage: string): Readonly<Record<string, ServiceName>> {
  return { ...spec.kubernetes?.functions?.[stage], ...options?.functions?.[stage] };
}
