/**
 * API revisions on API Management (lib/model/revisions.ts): the current revision is the API's own
 * Api (its apiId, path and Pulumi name, so declaring revisions replaces nothing), with apiRevision
 * and isCurrent; every other revision is an Api named `<apiId>;rev=N` made from it (sourceApiId),
 * with the routes it holds and its own policy, reachable at `<path>;rev=N`. Service-level parts
 * (backends, named values, products, subscriptions) are the same for every revision, planned once.
 */
import type { GatewaySpec } from '../../lib/model/types';
import { extraApi, serviceParts, type ApimDraft as Draft } from './api-drafts';
import type { ApimRevisionApi } from './plan';

/** The plan of a spec with revisions from the current revision's plan and the others' (by number). */
export function revisedPlan(spec: GatewaySpec, current: Draft, others: readonly { number: number; draft: Draft }[]): Draft {
  const revs = spec.revisions!;
  const description = (n: number) => revs.list.find((r) => r.number === n)?.description;
  const revisionApis: ApimRevisionApi[] = others.map(({ number, draft }) => ({
    key: `rev-${number}`,
    ...extraApi(draft, { apiId: `${current.apiId};rev=${number}`, revision: { number, isCurrent: false, ...(description(number) ? { description: description(number) } : {}) } }),
  }));
  const drafts = [current, ...others.map((o) => o.draft)];
  return {
    ...current,
    revision: { number: revs.current, isCurrent: true, ...(description(revs.current) ? { description: description(revs.current) } : {}) },
    revisionApis,
    ...serviceParts(drafts),
  };
}
