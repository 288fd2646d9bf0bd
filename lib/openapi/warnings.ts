/**
 * Structured import warnings, and the grouped rendering a person can read: a 585-operation document
 * can raise hundreds of warnings of one kind, which would bury the few that matter.
 */
import { formatIssue, type SpecIssue } from '../model/errors';
import { formatIssueWithRule } from '../model/rules';

/** What a warning is about; the grouping key. */
export type WarningKind =
  /** A problem the OpenAPI/Swagger schema reports; imported anyway (--lenient). */
  | 'document-error'
  /** An operation or security scheme left out (--lenient), with the reason. */
  | 'skipped'
  /** An operation dropped on purpose with `x-anygate: { skip: true }`. */
  | 'skipped-on-purpose'
  /** Two operations a gateway cannot tell apart, with identical policy, became one route. */
  | 'merged'
  /** Operations with no security requirement in a document that has security schemes. */
  | 'public-operation'
  /** The document declares no security at all. */
  | 'no-security'
  /** An operationId that is not a safe name, so the route id differs from it. */
  | 'id-renamed'
  /** An operationId longer than a route id may be; shortened with a stable hash suffix. */
  | 'id-shortened'
  /** The same operationId (or one equal to it ignoring case) on two operations. */
  | 'id-duplicate'
  /** A value anygate could not find in the document, replaced by a placeholder to set. */
  | 'placeholder'
  /** Security the clouds cannot express the way the document says; what anygate does instead. */
  | 'security'
  /** Alternatives that cannot check scopes, dropped from a route (stricter than the document). */
  | 'scopes-narrowed'
  /** Alternatives that read the same header or query parameter as an earlier one, dropped (stricter). */
  | 'alternatives-narrowed'
  /** Servers, paths and versions read leniently. */
  | 'document'
  /** A contract part (a `$ref` in a schema, parameter or response) that cannot be kept as written. */
  | 'contract';

/** One import warning: a SpecIssue (so every formatter prints it) with a kind and a JSON pointer. */
export interface ImportWarning extends SpecIssue {
  readonly kind: WarningKind;
  /** JSON pointer into the document, `#/paths/~1a/get`. */
  readonly where: string;
  readonly severity: 'warning';
}

/** Builds an ImportWarning located at `file` + `where`. */
export function importWarning(kind: WarningKind, file: string, where: string, message: string): ImportWarning {
  return { kind, where, message, path: [], file: `${file}${where}`, severity: 'warning', rule: `openapi-${kind}` };
}

/** How many locations a merged warning names. */
export const MERGED_LOCATIONS = 5;

/**
 * Warnings of `kinds` whose messages are the same (one authorizer dropped from hundreds of
 * operations for the same reason) become one, located at the first, that names how many operations
 * it covers and the first {@link MERGED_LOCATIONS} of them. Order is otherwise kept.
 */
export function mergeIdentical(warnings: readonly ImportWarning[], kinds: readonly WarningKind[]): ImportWarning[] {
  const groups = new Map<string, ImportWarning[]>();
  for (const w of warnings) if (kinds.includes(w.kind)) groups.set(`${w.kind}\0${w.message}`, [...(groups.get(`${w.kind}\0${w.message}`) ?? []), w]);
  const out: ImportWarning[] = [];
  for (const w of warnings) {
    const list = kinds.includes(w.kind) ? groups.get(`${w.kind}\0${w.message}`)! : [w];
    if (list[0] !== w) continue;
    if (list.length === 1) {
      out.push(w);
      continue;
    }
    const at = list.slice(0, MERGED_LOCATIONS).map((x) => x.where).join(', ');
    const more = list.length > MERGED_LOCATIONS ? ` and ${list.length - MERGED_LOCATIONS} more` : '';
    out.push({ ...w, message: `${list.length} operations (${at}${more}): ${w.message}` });
  }
  return out;
}

export interface FormatWarningsOptions {
  /** Print every warning. @default false (group by kind) */
  readonly verbose?: boolean;
  /** Examples shown per group. @default 3 */
  readonly examples?: number;
  /** End each line with its stable rule id, as the CLI prints them. @default false */
  readonly rules?: boolean;
}

function kindOf(w: SpecIssue): string | undefined {
  const k = (w as Partial<ImportWarning>).kind;
  return typeof k === 'string' ? k : undefined;
}

/**
 * Warnings as lines: with `verbose`, one line each; otherwise each kind with more than `examples`
 * members becomes a header with its count, `examples` of its lines, and how many more there are.
 * Warnings without a kind (from the model's validation) are always printed one by one.
 */
export function formatWarnings(warnings: readonly SpecIssue[], options: FormatWarningsOptions = {}): string[] {
  const format = options.rules ? formatIssueWithRule : formatIssue;
  if (options.verbose) return warnings.map(format);
  const max = options.examples ?? 3;
  const groups = new Map<string, SpecIssue[]>();
  const lines: string[] = [];
  for (const w of warnings) {
    const k = kindOf(w);
    if (k === undefined) continue;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(w);
  }
  const printed = new Set<string>();
  for (const w of warnings) {
    const k = kindOf(w);
    if (k === undefined) {
      lines.push(format(w));
      continue;
    }
    if (printed.has(k)) continue;
    printed.add(k);
    const list = groups.get(k)!;
    if (list.length <= max) {
      lines.push(...list.map(format));
      continue;
    }
    lines.push(`warning: ${list.length} warnings of kind ${k}, for example:`);
    lines.push(...list.slice(0, max).map((x) => `  ${format(x)}`));
    lines.push(`  ... and ${list.length - max} more (--verbose lists every warning)`);
  }
  return lines;
}

/** Counts per kind (warnings without a kind count as `spec`), sorted by kind. */
export function countWarnings(warnings: readonly SpecIssue[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const w of warnings) {
    const k = kindOf(w) ?? 'spec';
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}
