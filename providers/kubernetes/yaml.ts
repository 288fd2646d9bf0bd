/** Plain YAML for `kubectl apply -f`: one multi-document file per stage, objects in plan order. */
import { dump, JSON_SCHEMA } from 'js-yaml';
import { Document, visit } from 'yaml';
import type { K8sObject } from './plan';
import { misreadAsYaml11 } from './yaml11';

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

/** A held string's stand-in while js-yaml writes the rest: plain and written alike by both writers. */
const HELD = /anygate-held-(\d+)-end/g;
const HELD_MARK = 'anygate-held-';

/** The reference writer's one-line quoted text for a value string, or undefined (memoized). */
const quotedCache = new Map<string, string | undefined>();
function quotedValue(s: string): string | undefined {
  if (quotedCache.has(s)) return quotedCache.get(s);
  // The same text as a mapping value and as a sequence item, quoted and on one line: then it
  // does not depend on where it stands (no folding at lineWidth 0, no indentation inside).
  const asValue = /^a: (.*)\n$/s.exec(referenceYaml({ a: s }))?.[1];
  const asItem = /^- (.*)\n$/s.exec(referenceYaml([s]))?.[1];
  const q = asValue !== undefined && asValue === asItem && !asValue.includes('\n') && /^(?:'.*'|".*")$/.test(asValue) ? asValue : undefined;
  if (quotedCache.size < 10_000) quotedCache.set(s, q);
  return q;
}

/**
 * The object with each value string js-yaml would not write alike replaced by a stand-in, when
 * the reference writer quotes that string on one line (JSON bodies: `'{"error":...}'`);
 * undefined when something else (a key, a number, a multi-line string) needs the reference writer.
 * A part with nothing held is the input itself (no copy): most objects hold nothing.
 */
function withHeld(v: unknown, held: string[]): unknown {
  if (typeof v === 'string') {
    if (alikeString(v)) return v.includes(HELD_MARK) ? undefined : v;
    const q = quotedValue(v);
    if (q === undefined) return undefined;
    held.push(q);
    return `${HELD_MARK}${held.length - 1}-end`;
  }
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const y = withHeld(v[i], held);
      if (y === undefined) return undefined;
      if (y !== v[i]) (out ??= v.slice())[i] = y;
    }
    return out ?? v;
  }
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return writtenAlike(v) ? v : undefined;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    if (!alikeString(k) || k.includes(HELD_MARK)) return undefined;
    const x = (v as Record<string, unknown>)[k];
    const y = withHeld(x, held);
    if (y === undefined) return undefined;
    // A copy keeps the key order; the replaced value keeps its key's place.
    if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
  }
  return out ?? v;
}

/** True when objectYaml writes the object with js-yaml (held strings put in place), not the reference writer. */
export function writtenFast(o: unknown): boolean {
  return writtenAlike(o) || withHeld(o, []) !== undefined;
}

/**
 * js-yaml with its JSON schema: the values it writes here (writtenAlike) are plain objects, lists,
 * numbers, booleans and strings none of which a timestamp or merge key could be read from (they
 * start with a letter or a mark; digits only in durations), so the default schema's extra types
 * never apply: the same bytes, without testing every string against them.
 */
const fastDump = (o: unknown) => dump(o, { lineWidth: -1, noRefs: true, quotingType: '"', noCompatMode: true, schema: JSON_SCHEMA });

/**
 * One object as a YAML document that a YAML 1.1 reader (kubectl) reads back with the same
 * strings. js-yaml writes the reference writer's bytes several times faster for objects made only
 * of the values above (a 2,000-route gateway's 5,000 objects: 0.4 s instead of 2 s), so it
 * writes those; strings the reference writer quotes on one line (the error contract's JSON
 * bodies, in a sixth of a generated gateway's objects) are written by it alone and put in place.
 */
export function objectYaml(o: unknown): string {
  // One walk decides: nothing held is an object js-yaml writes alike (writtenAlike); a string
  // that only looks like a stand-in is left to writtenAlike's own answer.
  const held: string[] = [];
  const stand = withHeld(o, held);
  if (stand === undefined) return writtenAlike(o) ? fastDump(o) : referenceYaml(o);
  if (held.length === 0) return fastDump(o);
  return fastDump(stand).replace(HELD, (_, i: string) => held[Number(i)]!);
}

/** The objects as one multi-document YAML stream. Spec strings are YAML scalars, never raw text. */
export function toYaml(objects: readonly K8sObject[]): string {
  return objects.map(objectYaml).join('---\n');
}
