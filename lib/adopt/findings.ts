/**
 * The loss report's data: one finding per construct an adopt reader met in the source, mapped or
 * not, with where it sits (file plus JSON pointer, or XPath for XML) and, when it did not map
 * whole, why. Readers record every construct they read, so nothing is dropped silently.
 */

/** How a construct fared. */
export type FindingStatus = 'mapped' | 'partial' | 'lost';

/** One construct read from the source configuration. */
export interface Finding {
  /** File the construct is in, relative to the imported PATH (`.` when PATH is that file). */
  readonly file: string;
  /**
   * JSON pointer (RFC 6901) for JSON and YAML, XPath for XML, e.g. `/paths/~1pets/get` or
   * `/policies[1]/inbound[1]/rate-limit-by-key[1]`. In a multi-document YAML file the first token is
   * the document's index (`/3/spec/rules/0`). Empty: the whole file.
   */
  readonly at: string;
  /** What it is, in the platform's words: `x-amazon-apigateway-integration (aws)`, `validate-jwt`, `SpikeArrest`. */
  readonly construct: string;
  readonly status: FindingStatus;
  /** Where it went in the spec (`routes[3].rateLimit`). @default - not mapped anywhere */
  readonly mappedTo?: string;
  /** Why it did not map (whole), and what to do. @default - mapped whole */
  readonly reason?: string;
}

/** Collects findings for one import; readers call it as they walk the source. */
export class FindingLog {
  private readonly list: Finding[] = [];
  /** The files some finding is in (readers ask, per file, whether anything reported it yet). */
  private readonly files = new Set<string>();

  private add(f: Finding): void {
    this.list.push(f);
    this.files.add(f.file);
  }

  /** The construct maps whole to `mappedTo`. */
  mapped(file: string, at: string, construct: string, mappedTo: string): void {
    this.add({ file, at, construct, status: 'mapped', mappedTo });
  }

  /** The construct maps in part; `reason` says what was left out. */
  partial(file: string, at: string, construct: string, mappedTo: string, reason: string): void {
    this.add({ file, at, construct, status: 'partial', mappedTo, reason });
  }

  /** The construct has no place in the spec; `reason` says why and what to do. */
  lost(file: string, at: string, construct: string, reason: string): void {
    this.add({ file, at, construct, status: 'lost', reason });
  }

  /** Records a finding read elsewhere (a scope's findings, settled once it is known where they apply). */
  record(f: Finding): void {
    this.add(f);
  }

  /** True when some finding so far is in `file` (without sorting them all, as findings() does). */
  reported(file: string): boolean {
    return this.files.has(file);
  }

  /** Every finding, sorted by file, location and construct (deterministic output). */
  findings(): Finding[] {
    return [...this.list].sort((a, b) => cmp(a.file, b.file) || cmp(a.at, b.at) || cmp(a.construct, b.construct) || cmp(a.status, b.status));
  }
}

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Escapes one JSON pointer token (RFC 6901: `~` -> `~0`, `/` -> `~1`). */
export function pointerToken(token: string | number): string {
  const t = String(token);
  // Most tokens (keys, indexes) hold neither character: no regex pass over them.
  return t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t;
}

/** A JSON pointer from its tokens: `pointer(['paths', '/pets', 'get'])` is `/paths/~1pets/get`. */
export function pointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${pointerToken(t)}`).join('');
}

/** Counts by status, for summaries. */
export function countFindings(findings: readonly Finding[]): Record<FindingStatus, number> {
  const out: Record<FindingStatus, number> = { mapped: 0, partial: 0, lost: 0 };
  for (const f of findings) out[f.status]++;
  return out;
}
