/**
 * A strict reader of Prometheus's text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), for tests: no parser ships in
 * node_modules, so this one checks what a scrape relies on and throws, naming the line, on
 * anything else: HELP/TYPE at most once per family and TYPE before its samples; a family's
 * samples together; metric and label names; quoted, escaped label values; no repeated label or
 * series; float values; histograms with ascending `le` buckets, cumulative counts, a `+Inf`
 * bucket equal to `_count`, and a `_sum`.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: string;
  readonly help?: string;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(s: string, where: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`${where}: ${JSON.stringify(s)} is not a float`);
  return Number(s);
}

function unescape(v: string): string {
  return v.replace(/\\(\\|"|n)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(text: string, where: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let s = text.slice(1);
  while (!s.startsWith('}')) {
    const m = LABEL.exec(s);
    if (!m) throw new Error(`${where}: bad label at ${JSON.stringify(s.slice(0, 40))}`);
    if (m[1] in labels) throw new Error(`${where}: label ${m[1]} twice`);
    labels[m[1]] = unescape(m[2]);
    s = s.slice(m[0].length);
    if (s.startsWith(',')) s = s.slice(1);
    else if (!s.startsWith('}')) throw new Error(`${where}: expected , or } after label ${m[1]}`);
  }
  return { labels, rest: s.slice(1) };
}

/** The family a sample name belongs to, given the TYPEs declared so far. */
function familyOf(name: string, types: Map<string, string>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && (types.get(base) === 'histogram' || (suffix !== '_bucket' && types.get(base) === 'summary'))) return base;
  }
  return name;
}

/** Parses and checks an exposition; throws on the first violation. */
export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, Family & { help?: string }>();
  const types = new Map<string, string>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: string | undefined;
  const lines = text.slice(0, -1).split('\n');
  const enter = (family: string, where: string) => {
    if (current !== family) {
      if (closed.has(family)) throw new Error(`${where}: family ${family} is split (its lines must be together)`);
      if (current) closed.add(current);
      current = family;
    }
    if (!families.has(family)) families.set(family, { name: family, type: types.get(family) ?? 'untyped', samples: [] });
    return families.get(family)!;
  };
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`).exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m;
      const f = enter(name, where);
      if (kind === 'TYPE') {
        if (types.has(name)) throw new Error(`${where}: second TYPE for ${name}`);
        if (f.samples.length) throw new Error(`${where}: TYPE of ${name} after its samples`);
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${JSON.stringify(rest)}`);
        types.set(name, rest);
        (f as { type: string }).type = rest;
      } else {
        if (f.help !== undefined) throw new Error(`${where}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`${where}: HELP of ${name} has a bad escape`);
        (f as { help?: string }).help = rest;
      }
      return;
    }
    const nm = new RegExp(`^(${NAME})`).exec(line);
    if (!nm) throw new Error(`${where}: no metric name in ${JSON.stringify(line)}`);
    const name = nm[1];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, where));
    const parts = rest.trim().split(/\s+/);
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) throw new Error(`${where}: expected " value [timestamp]" after ${name}`);
    const value = parseValue(parts[0], where);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`${where}: bad timestamp ${parts[1]}`);
    const key = name + JSON.stringify(Object.entries(labels).sort());
    if (seen.has(key)) throw new Error(`${where}: series ${key} twice`);
    seen.add(key);
    const f = enter(familyOf(name, types), where);
    if (f.type === 'counter' && !(value >= 0)) throw new Error(`${where}: counter ${name} is ${value}`);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}_bucket without le`);
      g.buckets.push([parseValue(le, `${f.name} le`), s.value]);
    } else if (s.name === `${f.name}_sum`) g.sum = s.value;
    else if (s.name === `${f.name}_count`) g.count = s.value;
    else throw new Error(`histogram ${f.name} has a sample ${s.name}`);
  }
  for (const [key, g] of groups) {
    const where = `histogram ${f.name}${key}`;
    if (g.sum === undefined || g.count === undefined) throw new Error(`${where}: needs _sum and _count`);
    g.buckets.forEach(([le, n], i) => {
      if (i > 0 && !(le > g.buckets[i - 1][0])) throw new Error(`${where}: le must ascend`);
      if (i > 0 && n < g.buckets[i - 1][1]) throw new Error(`${where}: buckets must be cumulative`);
    });
    const last = g.buckets[g.buckets.length - 1];
    if (!last || last[0] !== Infinity) throw new Error(`${where}: needs a le="+Inf" bucket last`);
    if (last[1] !== g.count) throw new Error(`${where}: the +Inf bucket (${last[1]}) differs from _count (${g.count})`);
  }
}

/** The value of the one series of `name` whose labels include `labels`; undefined when none. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    const hits = f.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (hits.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${hits.length} series`);
    if (hits.length === 1) return hits[0].value;
  }
  return undefined;
}
