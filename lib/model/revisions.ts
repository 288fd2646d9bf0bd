/**
 * API revisions (docs/lifecycle.md): numbered contents of one API at one address, one of them
 * current. Clients reach the current revision at the API's address; a non-current one is tried
 * at its own address (API Management's `;rev=N`) before it becomes current. Routes belong to the
 * revisions in their `revisions` list (default: every revision), and routes of disjoint revisions
 * may share method and path. Only API Management keeps several contents behind one address; the
 * other targets refuse a spec with more than one revision by record
 * (lib/capabilities/targets/lifecycle.ts), naming their honest equivalent.
 */
import { z } from 'zod';
import type { SpecIssue } from './errors';
import type { GatewaySpec, RevisionsSpec } from './types';

/** API Management's revision numbers are positive integers; anygate keeps them small. */
const RevisionNumber = z.number().int().min(1).max(999);

export const ApiRevision = z.strictObject({
  number: RevisionNumber.meta({ description: 'The revision number (1-999); on Azure the `;rev=N` of its address.' }),
  description: z.string().max(256).optional().meta({ description: 'What changed in this revision (apiRevisionDescription on Azure). Default: none.' }),
});

export const Revisions = z
  .strictObject({
    current: RevisionNumber.meta({ description: 'The revision clients reach at the API\'s address (its number in list).' }),
    list: z.array(ApiRevision).min(1, { message: 'list at least one revision' }).meta({ description: 'The revisions, by number. Routes without `revisions` belong to every one.' }),
  })
  .describe('API revisions: numbered contents of the API at one address, one of them current; a non-current revision is reachable at its own address for testing (Azure `;rev=N`).');

export type RevisionsInput = z.input<typeof Revisions>;

/** Revision numbers of a route: its list, or every revision. */
export function routeRevisions(spec: GatewaySpec, route: { revisions?: readonly number[] }): number[] {
  return route.revisions ? [...route.revisions] : (spec.revisions?.list ?? []).map((r) => r.number);
}

/** True when two routes' revision lists share a revision (a missing list is every revision). */
export function revisionsOverlap(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  return !a || !b || a.some((x) => b.includes(x));
}

/** The spec one revision serves: its routes, without revision lists (what every compiler reads). */
export function revisionSpec(spec: GatewaySpec, revision: number): GatewaySpec {
  const routes = spec.routes.filter((r) => !r.revisions || r.revisions.includes(revision)).map(({ revisions: _r, ...r }) => r);
  const { revisions: _revs, ...rest } = spec;
  return { ...rest, routes };
}

/** Numbers in list, current among them, routes naming listed revisions. */
export function checkRevisions(revisions: z.output<typeof Revisions> | undefined, routes: readonly { index: number; route?: { revisions?: number[] } }[], issues: SpecIssue[]): void {
  const err = (path: (string | number)[], message: string) => issues.push({ path, message, severity: 'error' });
  if (!revisions) {
    for (const { index, route } of routes) if (route?.revisions) err(['routes', index, 'revisions'], 'the spec declares no revisions: add revisions: { current, list } or remove this list');
    return;
  }
  const seen = new Map<number, number>();
  revisions.list.forEach((r, i) => {
    if (seen.has(r.number)) err(['revisions', 'list', i, 'number'], `duplicates revisions.list[${seen.get(r.number)}]; number each revision once`);
    else seen.set(r.number, i);
  });
  if (!seen.has(revisions.current)) err(['revisions', 'current'], `is not in revisions.list (${[...seen.keys()].join(', ')})`);
  for (const { index, route } of routes) {
    const unknown = (route?.revisions ?? []).filter((n) => !seen.has(n));
    if (unknown.length) err(['routes', index, 'revisions'], `unknown revision ${unknown.join(', ')}; revisions: ${[...seen.keys()].join(', ')}`);
  }
}

/** The canonical revisions: list by number. */
export function normalizeRevisions(r: z.output<typeof Revisions>): RevisionsSpec {
  return { current: r.current, list: [...r.list].sort((a, b) => a.number - b.number).map((x) => ({ number: x.number, ...(x.description ? { description: x.description } : {}) })) };
}
