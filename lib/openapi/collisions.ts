/**
 * Operations a gateway cannot tell apart: the same method on paths that differ only in parameter
 * names (`GET /Invoices/{InvoiceID}` and `GET /Invoices/{InvoiceNumber}`), or in a trailing slash.
 * A proxy forwards the same request either way, so when their gateway policy is identical they
 * become one route; when it differs, every such pair is an error, all reported in one run.
 */
import { canonical } from '../model/normalize';
import type { Candidate } from './operations';
import type { ImportContext } from './context';

// What a route is for people (documentation), not what the gateway does with a request.
const NOT_POLICY = new Set(['path', 'description', 'tags', 'contract']);

function policy(c: Candidate): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c.route).filter(([k]) => !NOT_POLICY.has(k)));
}

function label(c: Candidate): string {
  return `${c.method} ${c.path}${c.operationId ? ` (${c.operationId})` : ''}`;
}

/** The policy fields in which two candidates differ, sorted. */
function differences(a: Candidate, b: Candidate): string[] {
  const pa = policy(a);
  const pb = policy(b);
  const keys = [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort();
  return keys.filter((k) => JSON.stringify(canonical(pa[k])) !== JSON.stringify(canonical(pb[k])));
}

/**
 * The candidates with indistinguishable ones merged into the first of their kind (a `merged`
 * warning names both), and an error for each pair whose policies differ.
 */
export function mergeCollisions(ctx: ImportContext, candidates: readonly Candidate[]): Candidate[] {
  const first = new Map<string, Candidate>();
  const kept: Candidate[] = [];
  for (const c of candidates) {
    const a = first.get(c.shape);
    if (!a) {
      first.set(c.shape, c);
      kept.push(c);
      continue;
    }
    const diff = differences(a, c);
    if (diff.length === 0) {
      ctx.warn('merged', c.where, `${label(c)} is merged into ${label(a)} at ${a.where}: a gateway cannot tell them apart and their gateway policy is identical, so one route (id and path of the first) serves both`);
      continue;
    }
    ctx.fail(
      c.where,
      `${label(c)} matches the same requests as ${label(a)} at ${a.where} (the paths differ only in parameter names or a trailing slash), and their gateway policy differs in ${diff.join(', ')}. ` +
        'Give both the same policy (they are then merged into one route), or drop one with x-anygate: { skip: true }, or change one path',
    );
  }
  return kept;
}
