/**
 * Counters and histograms written in Prometheus's text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): `# HELP` and `# TYPE` once per
 * family, then its samples; histograms as cumulative `_bucket{le=...}` series ending in
 * `le="+Inf"`, then `_sum` and `_count`. Label values are request data (route ids, cluster names
 * from the spec), so they are escaped as the format says: backslash, double quote, line feed.
 */

export type FamilyType = 'counter' | 'histogram';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as the text format quotes it. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value: integers as such, +Inf / -Inf / NaN as Prometheus writes them. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

interface Series {
  readonly labels: readonly string[];
  value: number;
  /** Histograms: per bucket bound, observations <= it (not yet cumulative). */
  buckets?: number[];
  sum?: number;
}

/** One series of a family, bound: see MetricFamily.bind. */
export interface SeriesHandle {
  /** Adds `by` (>= 0, @default 1) to a counter. */
  inc(by?: number): void;
  /** Records one observation in a histogram. */
  observe(v: number): void;
}

/** One metric family: a name, a type, fixed label names, and its series by label values. */
export class MetricFamily {
  private readonly series = new Map<string, Series>();

  /**
   * @param buckets upper bounds of a histogram's buckets, ascending (`+Inf` is added). @default [] (counters)
   */
  constructor(
    readonly name: string,
    readonly type: FamilyType,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[] = [],
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`metric name ${JSON.stringify(name)} is not a Prometheus name`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l.startsWith('__') || l === 'le') throw new Error(`label name ${JSON.stringify(l)} of ${name} is not allowed`);
    if (type === 'histogram' && buckets.some((b, i) => i > 0 && b <= buckets[i - 1])) throw new Error(`the buckets of ${name} must ascend`);
  }

  private get(labels: Record<string, string>): Series {
    const values = this.labelNames.map((l) => {
      const v = labels[l];
      if (v === undefined) throw new Error(`metric ${this.name} needs label ${l}`);
      return v;
    });
    const key = JSON.stringify(values);
    let s = this.series.get(key);
    if (!s) {
      s = this.type === 'histogram' ? { labels: values, value: 0, buckets: this.buckets.map(() => 0), sum: 0 } : { labels: values, value: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  /** Adds `by` (>= 0) to a counter. */
  inc(labels: Record<string, string>, by = 1): void {
    this.counts(by);
    this.get(labels).value += by;
  }

  /** Creates a counter's series at 0, so a rate over it exists before the first event. */
  touch(labels: Record<string, string>): void {
    this.get(labels);
  }

  /** Records one observation in a histogram. */
  observe(labels: Record<string, string>, v: number): void {
    this.observes();
    this.put(this.get(labels), v);
  }

  /**
   * The series of these label values (created at 0 if new), to count without a label lookup each
   * time: for a caller that counts the same series on every request.
   */
  bind(labels: Record<string, string>): SeriesHandle {
    const s = this.get(labels);
    return {
      inc: (by = 1) => {
        this.counts(by);
        s.value += by;
      },
      observe: (v) => {
        this.observes();
        this.put(s, v);
      },
    };
  }

  private counts(by: number): void {
    if (this.type !== 'counter') throw new Error(`${this.name} is a ${this.type}`);
    if (!(by >= 0)) throw new Error(`a counter only goes up (${this.name} by ${by})`);
  }

  private observes(): void {
    if (this.type !== 'histogram') throw new Error(`${this.name} is a ${this.type}`);
  }

  private put(s: Series, v: number): void {
    s.value += 1;
    s.sum! += v;
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]) {
        s.buckets![i] += 1;
        break;
      }
    }
  }

  /** The family's lines: HELP, TYPE, then the series in a stable order. */
  lines(): string[] {
    const out = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    const sets = [...this.series.values()].sort((a, b) => (a.labels.join('\u0000') < b.labels.join('\u0000') ? -1 : a.labels.join('\u0000') > b.labels.join('\u0000') ? 1 : 0));
    const labelText = (values: readonly string[], extra?: [string, string]) => {
      const pairs = this.labelNames.map((l, i) => `${l}="${escapeLabelValue(values[i])}"`);
      if (extra) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
      return pairs.length ? `{${pairs.join(',')}}` : '';
    };
    for (const s of sets) {
      if (this.type === 'counter') {
        out.push(`${this.name}${labelText(s.labels)} ${formatValue(s.value)}`);
        continue;
      }
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.buckets![i];
        out.push(`${this.name}_bucket${labelText(s.labels, ['le', formatValue(b)])} ${cumulative}`);
      });
      out.push(`${this.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.value}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${formatValue(s.sum!)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.value}`);
    }
    return out;
  }
}

/** The Content-Type of the text format. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The exposition of several families (each once), ending in a line feed. */
export function exposition(families: readonly MetricFamily[]): string {
  return families.flatMap((f) => f.lines()).join('\n') + '\n';
}
