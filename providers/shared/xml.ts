/**
 * Documents as small element trees, serialized with xmlbuilder2: never string concatenation, so
 * every name and value from a spec is escaped.
 */
import { create } from 'xmlbuilder2';

/** An element: name, attributes and children (elements or text). */
export interface XNode {
  readonly name: string;
  readonly attrs?: Record<string, string>;
  readonly children?: (XNode | string)[];
}

/** Builds an element; undefined attributes and falsy children are left out. */
export const el = (name: string, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: (XNode | string | undefined | false | null)[]): XNode => {
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a[k] = String(v);
  const kids = children.filter((c): c is XNode | string => c !== undefined && c !== false && c !== null && c !== '');
  return { name, ...(Object.keys(a).length ? { attrs: a } : {}), ...(kids.length ? { children: kids } : {}) };
};

type Builder = ReturnType<typeof create>;

function build(parent: Builder, node: XNode): void {
  const e = parent.ele(node.name, node.attrs ?? {}) as unknown as Builder;
  for (const c of node.children ?? []) {
    if (typeof c === 'string') e.txt(c);
    else build(e, c);
  }
}

/** Serializes a tree: pretty-printed, with or without the XML declaration. */
export function toXml(root: XNode, options: { declaration?: boolean } = {}): string {
  const doc = create(options.declaration ? { version: '1.0', encoding: 'UTF-8', standalone: true } : {});
  build(doc, root);
  return doc.end({ prettyPrint: true, headless: !options.declaration }) + '\n';
}
