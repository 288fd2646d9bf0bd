/** Plain YAML for `kubectl apply -f`: one multi-document file per stage, objects in plan order. */
import { dump, JSON_SCHEMA } from 'js-yaml';
import { Document, visit } from 'yaml';
import type { K8sObject } from './plan';
import { misreadAsYaml11 } from './yaml11';
import { sharedTexts } from './shared';

/**
 * Strings both writers leave plain or quote alike (found by property test against `yaml`,
 * test/kubernetes/yaml-writers.test.ts): names, paths, hosts, Envoy `%VAR%` operators, path
 * regexes like `/a/([^/]+)`, durations, and the empty string. Not `...` (a document marker), and
 * no digit-first string other than a duration (`0b11` and dates are quoted by one writer only).
 * Strings a YAML 1.1 reader misreads (`on`, `no`, `y`: yaml11.ts) go to the reference writer,
 * which quotes them.
 */
const WRITTEN_ALIKE = /^(?:(?!\.\.\.)[A-Za-z/%.$@(][A-Za-z0-9 ._/:@%$(){}=,+*?|^[\]-]*|[0-9]+(?:ms|s|m|h)|)$/;

/** Both writers quote the empty string; every other YAML 1.1 trap goes to the reference writer. */
const alikeString = (s: string) => WRITTEN_ALIKE.test(s) && (s === '' || !misreadAsYaml11(s));

/** True when js-yaml writes the value byte for byte as the reference writer does (options below). */
export function writtenAlike(v: unknown): boolean {
  if (typeof v === 'string') return alikeString(v);
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0);
  if (typeof v === 'boolean') return true;
  if (Array.isArray(v)) return v.every(writtenAlike);
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const [k, x] of Object.entries(v)) if (!alikeString(k) || !writtenAlike(x)) return false;
  return true;
}

/**
 * The reference writer: `yaml` with its YAML 1.1 schema (which quotes `1:20`, `0b11`, `yes`...),
 * and every string go-yaml v2 would misread double-quoted on top (`0o17`, which Go's ParseInt
 * takes but the `yaml` 1.1 schema does not; `<<` as `!!str "<<"`, never a merge key).
 */
export function referenceYaml(o: unknown): string {
  const doc = new Document(o, { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string' || node.value === '' || !misreadAsYaml11(node.value)) return;
      node.type = 'QUOTE_DOUBLE';
      // `yaml` writes its 1.1 merge key plain whatever the style; an explicit tag keeps it a string.
      if (node.value === '<<') node.tag = 'tag:yaml.org,2002:str';
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** The reference writer's one-line quoted text for a value string, or undefined. */
function quotedValue(s: string): string | undefined {
  // The same text as a mapping value and as a sequence item, quoted and on one line: then it
  // does not depend on where it stands (no folding at lineWidth 0, no indentation inside).
  const asValue = /^a: (.*)\n$/s.exec(referenceYaml({ a: s }))?.[1];
  const asItem = /^- (.*)\n$/s.exec(referenceYaml([s]))?.[1];
  return asValue !== undefined && asValue === asItem && !asValue.includes('\n') && /^(?:'.*'|".*")$/.test(asValue) ? asValue : undefined;
}

/**
 * js-yaml with its JSON schema: the values it writes here (writtenAlike) are plain objects, lists,
 * numbers, booleans and strings none of which a timestamp or merge key could be read from (they
 * start with a letter or a mark; digits only in durations), so the default schema's extra types
 * never apply: the same bytes, without testing every string against them.
 */
const fastDump = (o: unknown) => dump(o, { lineWidth: -1, noRefs: true, quotingType: '"', noCompatMode: true, schema: JSON_SCHEMA });

/**
 * How one string is written: `text` where it stands, and whether it may be a key (written alike,
 * so js-yaml's text; a value the reference writer quotes, the held JSON bodies, may not).
 * null: the reference writer writes the object.
 */
interface Scalar {
  readonly text: string;
  readonly key: boolean;
  /** ` text`: as a value after `key:` or `-`. */
  readonly spaced: string;
  /** `text:`: the first key of a compact mapping. */
  readonly colon: string;
  /** By level, `\n`, the indentation and `text:`: a key on a line of its own (one piece, not three). */
  readonly keyAt: string[];
}

const scalarOf = (text: string, key: boolean): Scalar => ({ text, key, spaced: ` ${text}`, colon: `${text}:`, keyAt: [] });

/** Names, paths and hosts: js-yaml writes them plain (no indicator first, no `: `, ` #`, nothing JSON reads as another type). */
const PLAIN = /^[A-Za-z/][A-Za-z0-9._/-]*$/;

/**
 * Each distinct string's text, decided once (a 2,000-route gateway writes about 1.3 million
 * strings, some 30,000 distinct). js-yaml's text of a one-line string does not depend on where it
 * stands (key, value, list item, depth: lineWidth -1, no block styles), so it is js-yaml's text
 * of the string alone; strings the reference writer quotes on one line are its text. Cleared when
 * large, so a long-lived process does not keep every string it ever wrote.
 */
const scalars = new Map<string, Scalar | null>();
function scalar(s: string): Scalar | null {
  let got = scalars.get(s);
  if (got !== undefined) return got;
  if (alikeString(s)) got = scalarOf(PLAIN.test(s) ? s : fastDump(s).slice(0, -1), true);
  else {
    const q = quotedValue(s);
    got = q === undefined ? null : scalarOf(q, false);
  }
  if (scalars.size >= 200_000) scalars.clear();
  scalars.set(s, got);
  return got;
}

/** `\n` and the indentation of a block at `level` (js-yaml's generateNextLine, indent 2). */
const lines: string[] = [];
const nextLine = (level: number) => (lines[level] ??= `\n${' '.repeat(2 * level)}`);

/** nextLine and a list item's dash: `- ` before a mapping or list on the dash's line, `-` before a value. */
const dashes: string[] = [];
const bareDashes: string[] = [];
const dashAt = (level: number) => (dashes[level] ??= `${nextLine(level)}- `);
const bareDashAt = (level: number) => (bareDashes[level] ??= `${nextLine(level)}-`);

/** Thrown when a value needs the reference writer (or js-yaml's own path): the object is written again. */
const NOT_FAST = Symbol('not fast');

/**
 * js-yaml's document layout (the options of fastDump: indent 2, no flow style, no references)
 * written directly into `out`, piece by piece (one join at the end: no string per level, which
 * for 12 MB of YAML was mostly garbage), each string's text decided once per distinct string.
 */
class FastWriter {
  readonly out: string[] = [];

  /** A value after `key:` or `-` (js-yaml puts ' ' before it unless it starts a new line). */
  value(v: unknown, level: number): void {
    const out = this.out;
    if (typeof v === 'string') {
      const s = scalar(v);
      if (s === null) throw NOT_FAST;
      out.push(s.spaced);
    } else if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) throw NOT_FAST;
      out.push(` ${v}`);
    } else if (typeof v === 'boolean') out.push(v ? ' true' : ' false');
    else if (v !== null && typeof v === 'object' && Object.isFrozen(v) && sharedTexts.has(v)) this.shared(v, level);
    else this.container(v, level);
  }

  /** A list or mapping after `key:` or `-`. */
  private container(v: unknown, level: number): void {
    if (Array.isArray(v)) {
      if (v.length === 0) this.out.push(' []');
      else this.sequence(v, level, false);
    } else if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) throw NOT_FAST;
    else {
      const keys = Object.keys(v);
      if (keys.length === 0) this.out.push(' {}');
      else this.mapping(v as Record<string, unknown>, keys, level, false);
    }
  }

  /** A shared subtree (shared.ts): its text at this level, written the first time. */
  private shared(v: object, level: number): void {
    const texts = sharedTexts.get(v)!;
    const held = texts[level];
    if (held !== undefined) {
      this.out.push(held);
      return;
    }
    const mark = this.out.length;
    this.container(v, level);
    const text = this.out.slice(mark).join('');
    this.out.length = mark;
    this.out.push(text);
    texts[level] = text;
  }

  /** js-yaml's writeBlockMapping: `compact` (a list item's or the document's mapping) starts on the current line. */
  mapping(o: Record<string, unknown>, keys: string[], level: number, compact: boolean): void {
    for (let i = 0; i < keys.length; i++) {
      const k = scalar(keys[i]!);
      // js-yaml writes a key over 1,024 characters as an explicit `? ` pair: its own path.
      if (k === null || !k.key || k.text.length > 1024) throw NOT_FAST;
      this.out.push(compact && i === 0 ? k.colon : (k.keyAt[level] ??= `${nextLine(level)}${k.colon}`));
      this.value(o[keys[i]!], level + 1);
    }
  }

  /** js-yaml's writeBlockSequence: items at `level`, each one's content one level deeper. */
  sequence(a: readonly unknown[], level: number, compact: boolean): void {
    for (let i = 0; i < a.length; i++) {
      const first = compact && i === 0;
      const v = a[i];
      let keys: string[];
      // An item's non-empty mapping or list starts on the dash's line.
      if (Array.isArray(v) && v.length) {
        this.out.push(first ? '- ' : dashAt(level));
        this.sequence(v, level + 1, true);
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype && (keys = Object.keys(v)).length) {
        this.out.push(first ? '- ' : dashAt(level));
        this.mapping(v as Record<string, unknown>, keys, level + 1, true);
      } else {
        if (v === undefined) throw NOT_FAST;
        this.out.push(first ? '-' : bareDashAt(level));
        this.value(v, level + 1);
      }
    }
  }

  /** The document `o` (js-yaml's dump), or false with `out` as before when some value needs another writer. */
  document(o: unknown): boolean {
    const mark = this.out.length;
    try {
      if (Array.isArray(o) && o.length) this.sequence(o, 0, true);
      else if (o !== null && typeof o === 'object' && !Array.isArray(o) && Object.getPrototypeOf(o) === Object.prototype && Object.keys(o).length) {
        this.mapping(o as Record<string, unknown>, Object.keys(o), 0, true);
      } else {
        this.value(o, 0);
        this.out[mark] = this.out[mark]!.slice(1);
      }
      this.out.push('\n');
      return true;
    } catch (e) {
      this.out.length = mark;
      if (e === NOT_FAST) return false;
      throw e;
    }
  }
}

/** True when objectYaml writes the object with FastWriter (quoted JSON bodies put in place), not another writer. */
export function writtenFast(o: unknown): boolean {
  return new FastWriter().document(o);
}

/** One object into the writer: fast, else js-yaml's own dump (alike), else the reference writer. */
function writeObject(w: FastWriter, o: unknown): void {
  if (!w.document(o)) w.out.push(writtenAlike(o) ? fastDump(o) : referenceYaml(o));
}

/**
 * The writer objectYaml fills and empties per object: a document's pieces are short-lived (one
 * list of every piece of a 12 MB stream lived long enough for the collector to copy it, and
 * writing took twice as long).
 */
const writer = new FastWriter();

/**
 * One object as a YAML document that a YAML 1.1 reader (kubectl) reads back with the same
 * strings. Objects made only of the values above (writtenAlike) are written with js-yaml's bytes,
 * which are the reference writer's (a 2,000-route gateway's 6,682 objects), by FastWriter:
 * js-yaml's layout without its per-string style checks, each distinct string decided once.
 * Strings the reference writer quotes on one line (the error contract's JSON bodies, in a sixth
 * of a generated gateway's objects) are its text, put where they stand.
 */
export function objectYaml(o: unknown): string {
  try {
    writeObject(writer, o);
    return writer.out.join('');
  } finally {
    writer.out.length = 0;
  }
}

/** The objects as one multi-document YAML stream. Spec strings are YAML scalars, never raw text. */
export function toYaml(objects: readonly K8sObject[]): string {
  return objects.map(objectYaml).join('---\n');
}

/**
 * UTF-8 bytes written into one growing buffer, each object's text copied in as soon as it is
 * written. The joined text of a 2,000-route stage (6 MB in 3,341 object texts) kept every
 * object's text alive until the join, and the collector copied them, young, before the text was
 * written; here each object's text dies young and the bytes live outside the heap.
 */
class ByteSink {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private used = 0;

  private put(text: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4).
    if (this.used + 3 * text.length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.used + 3 * text.length));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  /** toYaml's stream of `objects`, written over what the sink held. */
  stream(objects: readonly K8sObject[]): Buffer {
    this.used = 0;
    // Room for 4 KB per object (a generated gateway's average is under 2 KB): pages are only
    // faulted in where written, and the buffer seldom grows (each growth copies and faults again).
    if (this.buf.length < 4096 * objects.length) this.buf = Buffer.allocUnsafe(4096 * objects.length);
    for (let i = 0; i < objects.length; i++) {
      if (i > 0) this.put('---\n');
      this.put(objectYaml(objects[i]));
    }
    return this.buf.subarray(0, this.used);
  }
}

/**
 * Each stream's toYaml text as UTF-8 bytes, handed to `use` in turn; the bytes are valid during that call only
 * (the next stream is written over them). One buffer serves every stream: memory fresh from the
 * system costs a page fault per 4 KB on its first write, and a buffer per stage, grown by
 * doubling, made the faults of a 2,000-route gateway's two 6 MB stages a third of writing them.
 */
export function eachYamlBytes<T>(streams: readonly (readonly K8sObject[])[], use: (bytes: Buffer, index: number) => T): T[] {
  const sink = new ByteSink();
  return streams.map((objects, i) => use(sink.stream(objects), i));
}
