/**
 * Plans compiled for an Api beside the main one (a version's, a revision's): what that Api
 * carries of its own, and the service-level parts (backends, named values, products,
 * subscriptions) every such plan repeats, planned once.
 */
import type { ApimExtraApi, ApimPlan } from './plan';

/** A plan before its resource list. */
export type ApimDraft = Omit<ApimPlan, 'resources'>;

/**
 * The extra Api: its own `head` (its id, and its version or revision), then what it takes from the
 * plan compiled for it, in that order (plan.json is written in key order).
 */
export function extraApi<H extends { apiId: string }>(d: ApimDraft, head: H): H & ApimExtraApi {
  return {
    ...head,
    displayName: d.displayName,
    ...(d.description ? { description: d.description } : {}),
    subscriptionRequired: d.subscriptionRequired,
    ...(d.subscriptionKeyParameterNames ? { subscriptionKeyParameterNames: d.subscriptionKeyParameterNames } : {}),
    apiPolicy: d.apiPolicy,
    operations: d.operations,
    schemas: d.schemas,
  };
}

function unionById<T extends { id: string }>(lists: readonly (readonly T[])[]): T[] {
  const out = new Map<string, T>();
  for (const list of lists) for (const x of list) if (!out.has(x.id)) out.set(x.id, x);
  return [...out.values()];
}

/** The service-level parts of every draft, each once by id (the first draft's wins), and their warnings once. */
export function serviceParts(drafts: readonly ApimDraft[]): Pick<ApimDraft, 'backends' | 'products' | 'subscriptions' | 'namedValues' | 'warnings'> {
  return {
    backends: unionById(drafts.map((d) => d.backends)),
    products: unionById(drafts.map((d) => d.products)),
    subscriptions: unionById(drafts.map((d) => d.subscriptions)),
    namedValues: unionById(drafts.map((d) => d.namedValues)),
    warnings: [...new Set(drafts.flatMap((d) => d.warnings))],
  };
}
