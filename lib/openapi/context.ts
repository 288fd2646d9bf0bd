/** What every step of an import shares: the document, where it came from, and what was found. */
import type { SpecIssue } from '../model/errors';
import type { DocumentProblem } from './document-validation';
import type { RefResolver } from './refs';
import { importWarning, type ImportWarning, type WarningKind } from './warnings';

export type Obj = Record<string, any>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON pointer: `#/paths/~1pets~1{id}/get`. */
export function pointer(...parts: (string | number)[]): string {
  return '#/' + parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

export class ImportContext {
  readonly warnings: ImportWarning[] = [];
  readonly errors: SpecIssue[] = [];

  constructor(
    readonly doc: Obj,
    readonly file: string,
    readonly refs: RefResolver,
    /** Import what can be imported from a document with schema problems. */
    readonly lenient: boolean,
    /** The document's schema problems (only non-empty when lenient). */
    readonly problems: readonly DocumentProblem[],
  ) {}

  get swagger2(): boolean {
    return this.doc.swagger !== undefined;
  }

  warn(kind: WarningKind, where: string, message: string): void {
    this.warnings.push(importWarning(kind, this.file, where, message));
  }

  /** An error: collected, so that one run reports every one of them. */
  fail(where: string, message: string): void {
    this.errors.push({ path: [], file: `${this.file}${where}`, message, severity: 'error' });
  }

  /** The schema problems at `where` or below it. */
  problemsUnder(where: string): DocumentProblem[] {
    return this.problems.filter((p) => p.where === where || p.where.startsWith(`${where}/`));
  }

  /** A lenient skip names what is skipped and the first problem that made it unreadable. */
  skip(where: string, what: string, problem: DocumentProblem | string): void {
    const why = typeof problem === 'string' ? problem : `${problem.where}: ${problem.message}`;
    this.warn('skipped', where, `${what} is skipped (--lenient): ${why}`);
  }
}
