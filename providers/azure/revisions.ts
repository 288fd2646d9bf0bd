/**
 * API revisions on API Management (lib/model/revisions.ts): the current revision is the API's own
 * Api (its apiId, path and Pulumi name, so declaring revisions replaces nothing), with apiRevision
 * and isCurrent; every other revision is an Api named `<apiId>;rev=N` made from it (sourceApiId),
 * with the routes it holds and its own policy, reachable at `<path>;rev=N`. Service-level parts
 * (backends, named values, products, subscriptions) are the same for every revision, planned once.
 */
import type { GatewaySpec } from '../../lib/model/types';
import type { ApimPlan, ApimRevisionApi } from './plan';

type Draft = Omit<ApimPlan, 'resources'>;

function unionById<T extends { id: string }>(lists: readonly (readonly T[])[]): T[] {
  const out = new Map<string, T>();
  for (const list of lists) for (const x of list) if (!out.has(x.id)) out.set(x.id, x);
  return [...out.values()];
}

/** The plan of a spec with revisions from the current revision's plan and the others' (by number). */
export function revisedPlan(spec: GatewaySpec, current: Draft, others: readonly { number: number; draft: Draft }[]): Draft {
  const revs = spec.revisions!;
  const description = (n: number) => revs.list.find((r) => r.number === n)?.description;
  const revisionApis: ApimRevisionApi[] = others.map(({ number, draft }) => ({
    key: `rev-${number}`,
    apiId: `${current.apiId};rev=${number}`,
    revision: { number, isCurrent: false, ...(description(number) ? { description: description(number) } : {}) },
    displayName: draft.displayName,
    ...(draft.description ? { description: draft.description } : {}),
    subscriptionRequired: draft.subscriptionRequired,
    ...(draft.subscriptionKeyParameterNames ? { subscriptionKeyParameterNames: draft.subscriptionKeyParameterNames } : {}),
    apiPolicy: draft.apiPolicy,
    operations: draft.operations,
    schemas: draft.schemas,
  }));
  const drafts = [current, ...others.map((o) => o.draft)];
  return {
    ...current,
    revision: { number: revs.current, isCurrent: true, ...(description(revs.current) ? { description: description(revs.current) } : {}) },
    revisionApis,
    backends: unionById(drafts.map((d) => d.backends)),
    products: unionById(drafts.map((d) => d.products)),
    subscriptions: unionById(drafts.map((d) => d.subscriptions)),
    namedValues: unionById(drafts.map((d) => d.namedValues)),
    warnings: [...new Set(drafts.flatMap((d) => d.warnings))],
  };
}
