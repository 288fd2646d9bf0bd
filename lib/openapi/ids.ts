/**
 * Route ids from operationIds: unique, readable, stable. A name longer than a route id may be keeps
 * its readable start and gets a short hash of the whole operationId, so two long operationIds that
 * share their first 48 characters never collide (and are never called duplicates), and adding an
 * operation elsewhere never renames this one.
 */
import { createHash } from 'node:crypto';
import { isSafeName, SAFE_NAME_MAX, uniqueName } from '../model/names';
import { importWarning, type ImportWarning } from './warnings';

/** What an id is made from. */
export interface IdSource {
  readonly operationId?: string;
  readonly method: string;
  readonly path: string;
  /** JSON pointer of the operation. */
  readonly where: string;
}

/** Letters, digits and single hyphens, starting with a letter; not yet cut to length. */
function kebab(raw: string, fallback: string): string {
  let s = raw
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[A-Za-z]/.test(s)) s = `${fallback}-${s}`.replace(/-+$/, '');
  return s;
}

/** `base` cut to the id length, with 6 hex digits of sha256(`whole`) when it had to be cut. */
export function shorten(base: string, whole: string): string {
  if (base.length <= SAFE_NAME_MAX) return base;
  const hash = createHash('sha256').update(whole).digest('hex').slice(0, 6);
  return `${base.slice(0, SAFE_NAME_MAX - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** How many renamed operationIds the one `id-renamed` warning shows. */
export const RENAMED_EXAMPLES = 5;

/**
 * One `id-renamed` warning for all renamed operationIds (a document that writes `get_item` style
 * ids renames nearly all of them, which would bury every other warning): their count and the first
 * {@link RENAMED_EXAMPLES}, located at the first.
 */
function renamedWarning(renamed: readonly { opId: string; id: string; where: string }[], file: string): ImportWarning[] {
  if (!renamed.length) return [];
  const shown = renamed.slice(0, RENAMED_EXAMPLES).map((r) => `${JSON.stringify(r.opId)} -> ${r.id}`).join(', ');
  const more = renamed.length > RENAMED_EXAMPLES ? `, and ${renamed.length - RENAMED_EXAMPLES} more` : '';
  const count = renamed.length === 1 ? 'operationId is not a safe name (letters, digits, hyphens); its route id is' : `operationIds are not safe names (letters, digits, hyphens); their route ids are`;
  return [importWarning('id-renamed', file, renamed[0].where, `${renamed.length} ${count}: ${shown}${more}. Nothing to do unless you refer to routes by id (x-anygate, stages); rename the operationIds to keep them as written`)];
}

/** One id per source, in order, and the warnings worth reading. */
export function routeIds(sources: readonly IdSource[], file: string): { ids: string[]; warnings: ImportWarning[] } {
  const warnings: ImportWarning[] = [];
  const renamed: { opId: string; id: string; where: string }[] = [];
  const taken = new Map<string, IdSource>();
  const ids = sources.map((s) => {
    const opId = s.operationId;
    const derived = opId === undefined;
    const base = derived ? kebab(`${s.method.toLowerCase()} ${s.path === '/' ? 'root' : s.path}`, 'route').toLowerCase() : kebab(opId, 'op');
    let id = shorten(base, derived ? `${s.method} ${s.path}` : opId);
    const where = `${s.where}${derived ? '' : '/operationId'}`;
    let wasRenamed = false;
    if (!derived && id !== opId) {
      if (base !== id) warnings.push(importWarning('id-shortened', file, where, `operationId ${JSON.stringify(opId)} is longer than ${SAFE_NAME_MAX} characters; the route id is ${id}`));
      else if (!isSafeName(opId)) wasRenamed = true;
    }
    const clash = taken.get(id.toLowerCase());
    if (clash) {
      const unique = uniqueName(id, new Set(taken.keys()), true);
      const same = clash.operationId !== undefined && clash.operationId === opId;
      const why = same ? `operationId ${JSON.stringify(opId)} is used twice (also at ${clash.where})` : `route id ${id} is already the id of ${clash.method} ${clash.path} (${clash.where}); ids are compared ignoring case`;
      warnings.push(importWarning('id-duplicate', file, where, `${why}; this route's id is ${unique}`));
      id = unique;
    }
    taken.set(id.toLowerCase(), s);
    if (wasRenamed) renamed.push({ opId: opId!, id, where });
    return id;
  });
  return { ids, warnings: [...renamedWarning(renamed, file), ...warnings] };
}
