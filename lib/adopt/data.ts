/**
 * Parsing the data files of an adopt source: JSON, YAML (with CloudFormation's short intrinsic
 * tags: `!Ref X` reads as `{ Ref: X }`, `!Sub s` as `{ 'Fn::Sub': s }`) and multi-document YAML
 * (Kubernetes manifests). Parse errors are returned, never thrown, so one bad file is reported and
 * the rest still import. YAML goes through js-yaml where it reads the same data as `yaml`
 * (lib/model/yaml-data.ts: about 15 times faster on Kubernetes manifests); `yaml` reads the rest
 * (CloudFormation tags, anchors, flow style) and words every syntax error.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { deepFreeze, TextMemo } from '../model/text-memo';
import { fastYamlData, fastYamlDocuments } from '../model/yaml-data';

/** One parsed document, or why the file could not be parsed. */
export type Parsed = { ok: true; docs: unknown[] } | { ok: false; error: string };

const BOM = /^\uFEFF/;

function intrinsic(tag: string, value: unknown): unknown {
  const name = tag.slice(1);
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

function toData(node: Node | null | undefined): unknown {
  if (!node) return null;
  let value: unknown;
  if (isMap(node)) {
    const o: Record<string, unknown> = {};
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      // A `__proto__` key is data, as js-yaml (the fast path) and JSON.parse read it.
      if (k === '__proto__') Object.defineProperty(o, k, { value: toData(pair.value as Node), enumerable: true, writable: true, configurable: true });
      else o[k] = toData(pair.value as Node);
    }
    value = o;
  } else if (isSeq(node)) value = node.items.map((n) => toData(n as Node));
  else if (isScalar(node)) value = node.value;
  else value = (node as { toJSON?: () => unknown }).toJSON?.() ?? null;
  const tag = (node as { tag?: string }).tag;
  return tag && tag.startsWith('!') && !tag.startsWith('!!') ? intrinsic(tag, value) : value;
}

/**
 * YAML documents the fast path read, by text (frozen; null when it stepped aside): the manifests
 * anygate emits for one gateway are mostly the same documents as the next one's.
 */
const FAST_DOCS = new TextMemo<Record<string, unknown> | null>();
const fastDocument = (text: string) => FAST_DOCS.get(text, (t) => deepFreeze(fastYamlData(t) ?? null)) ?? undefined;

/** Parses JSON or YAML (every document of a multi-document stream). Parsed YAML may be frozen: read it, do not change it. */
export function parseData(text: string, file: string): Parsed {
  const body = text.replace(BOM, '');
  if (/\.json$/i.test(file)) {
    try {
      return { ok: true, docs: [JSON.parse(body)] };
    } catch (e) {
      return { ok: false, error: `not valid JSON: ${(e as Error).message}` };
    }
  }
  const fast = fastYamlDocuments(body, fastDocument);
  if (fast) return { ok: true, docs: fast };
  const docs = parseAllDocuments(body, { uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const docsOut: unknown[] = [];
  for (const d of list) {
    if (d.errors.length) return { ok: false, error: `not valid YAML: ${d.errors[0].message}` };
    const v = toData(d.contents as Node);
    if (v !== null && v !== undefined) docsOut.push(v);
  }
  return { ok: true, docs: docsOut };
}

/** A plain object, or undefined. */
export function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A string, or undefined (CloudFormation intrinsics are not strings). */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** An array, or []. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
