/**
 * The contract of a document, kept: each operation's summary, parameters (path-item ones merged in),
 * request body, responses and deprecation, and the document's components, as OpenAPI 3.1.
 *
 * References stay references. A `$ref` to the root document's `#/components/<kind>/<name>` is kept
 * as written; Swagger 2.0's `#/definitions/X` (and `#/parameters`, `#/responses`) become the
 * matching components; any other `$ref` (a side file, another pointer) is followed once, lazily
 * and located like every import `$ref`, and its target becomes a component of its own, so cycles
 * stay cycles. What cannot be followed is a `contract` warning naming where, never an error: the
 * contract documents the API, and a broken example must not stop a gateway.
 *
 * Schemas are upgraded to OpenAPI 3.1 (JSON Schema 2020-12): `nullable` becomes a `null` type,
 * boolean exclusiveMinimum/Maximum numbers; a 2.0 `type: file` a binary string.
 */
import * as path from 'node:path';
import { COMPONENT_KINDS, type ComponentKind, type ComponentsSpec, type RouteContractSpec } from '../model/contract';
import { isObj, pointer, type ImportContext, type Obj } from './context';
import { contractPartsOf } from '../model/contract-validation';
import { refMessage } from './refs';
import * as v2 from './swagger2';

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SCHEMA_ONE = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'additionalItems'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const V2_REFS: Record<string, ComponentKind> = { definitions: 'schemas', parameters: 'parameters', responses: 'responses' };

/** A 3.0 (or 2.0) schema node's own keywords in their 3.1 form. */
function upgradeSchema(s: Obj, swagger2: boolean): Obj {
  const out = { ...s };
  if (swagger2 && out['x-nullable'] === true) {
    out.nullable = true;
    delete out['x-nullable'];
  }
  if (swagger2 && out.type === 'file') Object.assign(out, { type: 'string', format: 'binary' });
  if (out.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    delete out.nullable;
  }
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else if (out[flag] === false) delete out[flag];
  }
  if (swagger2 && typeof out.discriminator === 'string') out.discriminator = { propertyName: out.discriminator };
  return out;
}

/** Which parts of an operation the gateway checks (`x-anygate.validation.contract`), and how to name it. */
export interface Enforced {
  readonly parameters: boolean;
  readonly body: boolean;
  /** The operation, as errors name it: `POST /things (createThing)`. */
  readonly label: string;
}
const NOT_ENFORCED: Enforced = { parameters: false, body: false, label: '' };

/** The parts `validation.contract` (true, or `{ parameters, body }`) makes the gateway check. */
export function enforcedBy(validation: unknown, label: string): Enforced {
  const c = isObj(validation) ? validation.contract : undefined;
  const parts = c === true || isObj(c) ? contractPartsOf(c as Parameters<typeof contractPartsOf>[0]) : undefined;
  return parts ? { ...parts, label } : NOT_ENFORCED;
}

/** Where a value was read: its JSON pointer in the root document, and the file its refs are relative to. */
interface At {
  readonly where: string;
  readonly file: string;
}

export class ContractReader {
  /** Components by kind, as the model holds them. */
  readonly components: Record<ComponentKind, Obj> = Object.fromEntries(COMPONENT_KINDS.map((k) => [k, {}])) as Record<ComponentKind, Obj>;
  /** `file#fragment` of every followed `$ref` -> the component ref it became. */
  private readonly hoisted = new Map<string, string>();
  private readonly root: string;
  /** The upgrade applies to 3.0 and 2.0 documents. */
  private readonly upgrade: boolean;

  /**
   * The operation whose part being read the gateway enforces (`x-anygate.validation.contract`):
   * a `$ref` that cannot be followed there is an error, since the empty schema in its place would
   * check nothing. @default - nothing enforced: a warning
   */
  private enforcing?: string;
  /** Where an unresolved `$ref` was already reported (a ref is tried twice on some paths). */
  private readonly reported = new Set<string>();
  private enforcedProblem?: string;
  /** The component being read (`schemas/Thing`), where an unresolved `$ref` is recorded. */
  private component?: string;
  /**
   * Unresolved `$ref`s found while reading a component outside any enforced part (warned then):
   * an operation whose enforced part reaches the component turns them into its error.
   */
  private readonly unresolvedIn = new Map<string, { where: string; message: string }[]>();

  constructor(private readonly ctx: ImportContext) {
    this.root = ctx.refs.root;
    this.upgrade = ctx.swagger2 || !/^3\.1\./.test(String(ctx.doc.openapi));
  }

  private get v2(): boolean {
    return this.ctx.swagger2;
  }

  /** The document's own components (2.0: definitions, non-body parameters, responses), every one kept. */
  readComponents(): void {
    const doc = this.ctx.doc;
    const at = (...p: string[]): At => ({ where: pointer(...p), file: this.root });
    if (this.v2) {
      for (const [n, s] of Object.entries<unknown>(isObj(doc.definitions) ? doc.definitions : {})) this.components.schemas[n] = this.inComponent('schemas', n, () => this.schema(s, at('definitions', n)));
      for (const [n, p] of Object.entries<unknown>(isObj(doc.parameters) ? doc.parameters : {})) {
        if (isObj(p) && p.in !== 'body' && p.in !== 'formData') this.components.parameters[n] = this.inComponent('parameters', n, () => this.parameter(p, at('parameters', n)));
      }
      for (const [n, r] of Object.entries<unknown>(isObj(doc.responses) ? doc.responses : {})) this.components.responses[n] = this.inComponent('responses', n, () => this.response(r, at('responses', n), this.produces(undefined)));
      return;
    }
    const c: Obj = isObj(doc.components) ? doc.components : {};
    for (const kind of COMPONENT_KINDS) {
      for (const [n, v] of Object.entries<unknown>(isObj(c[kind]) ? c[kind] : {})) {
        // A component that is itself a `$ref` stays one (kept as written, or its target hoisted).
        const value = this.inComponent(kind, n, () => this.read(kind, v, at('components', kind, n)));
        if (value !== undefined) this.components[kind][n] = value;
      }
    }
  }

  /** The components the model keeps: only the kinds that hold something. */
  result(): ComponentsSpec | undefined {
    const out = Object.fromEntries(COMPONENT_KINDS.filter((k) => Object.keys(this.components[k]).length).map((k) => [k, this.components[k]]));
    return Object.keys(out).length ? (out as ComponentsSpec) : undefined;
  }

  private read(kind: ComponentKind, v: unknown, at: At): unknown {
    switch (kind) {
      case 'schemas':
        return this.schema(v, at);
      case 'parameters':
        return this.parameter(v, at);
      case 'responses':
        return this.response(v, at, this.produces(undefined));
      case 'requestBodies':
        return this.requestBody(v, at);
      case 'headers':
        return this.header(v, at);
      case 'examples':
        return this.ref(v, 'examples', at) ?? v;
    }
  }

  /**
   * A `$ref` object as the model keeps it (siblings such as `description` kept): the same local
   * component ref, a 2.0 ref renamed, or a component hoisted from wherever it points. undefined when `v` is not a `$ref`; `{}` (with a
   * warning) when it cannot be followed.
   */
  private ref(v: unknown, kind: ComponentKind, at: At): Obj | undefined {
    if (!isObj(v) || typeof v.$ref !== 'string') return undefined;
    const ref: string = v.$ref;
    if (at.file === this.root && ref.startsWith('#/')) {
      const parts = ref.slice(2).split('/');
      // A component, or a pointer inside one (`#/components/schemas/Tag/allOf/0`): components are kept whole.
      if (!this.v2 && parts[0] === 'components' && parts.length >= 3 && (COMPONENT_KINDS as readonly string[]).includes(parts[1])) {
        if (this.exists(ref, at)) return { ...this.siblings(v, kind), $ref: ref };
        return {};
      }
      // 2.0 definitions are schemas already (a pointer inside one stays valid); parameters and responses change shape.
      if (this.v2 && V2_REFS[parts[0]] && (parts.length === 2 || parts[0] === 'definitions') && this.exists(ref, at)) return { ...this.siblings(v, kind), $ref: `#/components/${V2_REFS[parts[0]]}/${parts.slice(1).join('/')}` };
    }
    const key = this.keyOf(ref, at);
    const known = this.hoisted.get(key);
    if (known) return { ...this.siblings(v, kind), $ref: known };
    let target: { value: unknown; file: string; fragment?: string };
    try {
      target = this.ctx.refs.resolveFrom(v, at.where, at.file);
    } catch (e) {
      this.unresolved(e, at, `the contract holds an empty ${kind === 'schemas' ? 'schema (any value)' : 'object'} there`);
      return {};
    }
    const name = this.freeName(kind, target.fragment ? target.fragment.split('/').filter(Boolean).pop() ?? '' : path.basename(target.file).replace(/\.[^.]+$/, ''));
    const component = `#/components/${kind}/${name}`;
    this.hoisted.set(key, component);
    this.components[kind][name] = true; // taken, before the walk: a cycle back here finds the ref
    this.components[kind][name] = this.inComponent(kind, name, () => this.read(kind, target.value, { where: at.where, file: target.file })) ?? {};
    return { ...this.siblings(v, kind), $ref: component };
  }

  /**
   * What stays beside a `$ref`: a 3.1 Reference Object may carry summary and description (a 3.1
   * schema anything); 3.0 and 2.0 ignore every sibling, so an upgraded document keeps only those two.
   */
  private siblings(v: Obj, kind: ComponentKind): Obj {
    if (kind === 'schemas' && !this.upgrade) return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => k === 'summary' || k === 'description'));
  }

  private keyOf(ref: string, at: At): string {
    const hash = ref.indexOf('#');
    const file = hash === 0 ? at.file : path.resolve(path.dirname(at.file), decodeURIComponent(hash === -1 ? ref : ref.slice(0, hash)));
    return `${file}#${hash === -1 ? '' : ref.slice(hash + 1)}`;
  }

  private exists(ref: string, at: At): boolean {
    try {
      this.ctx.refs.resolveFrom({ $ref: ref }, at.where, at.file);
      return true;
    } catch (e) {
      this.unresolved(e, at, 'the contract holds an empty object there');
      return false;
    }
  }

  /** A `$ref` that cannot be followed: a warning, or an error where the gateway enforces what it points to. */
  private unresolved(e: unknown, at: At, consequence: string): void {
    this.unresolvedRef(refMessage(e), at, consequence);
  }

  private unresolvedRef(ref: string, at: At, consequence: string): void {
    const key = `${this.enforcing === undefined ? 'warning' : 'error'} ${at.where} ${ref}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    if (this.enforcing === undefined) {
      if (this.component !== undefined) this.unresolvedIn.set(this.component, [...(this.unresolvedIn.get(this.component) ?? []), { where: at.where, message: ref }]);
      return this.ctx.warn('contract', at.where, `${ref}; ${consequence}`);
    }
    const message = `${ref}; x-anygate.validation.contract makes the gateway check this part of the request, and an unresolved schema would check nothing: define the missing target, fix the $ref, or turn validation.contract off for this operation`;
    // --lenient skips the operation (the caller asks), never routes it unchecked.
    if (this.ctx.lenient) this.enforcedProblem ??= `${at.where}: ${message}`;
    else this.ctx.fail(at.where, `${this.enforcing}: ${message}`);
  }

  /** With --lenient: the first unresolvable enforced `$ref` of the operation read last, if any (then cleared). */
  takeEnforcedProblem(): string | undefined {
    const p = this.enforcedProblem;
    this.enforcedProblem = undefined;
    return p;
  }

  /** Runs `read` with `kind/name` as the component being read. */
  private inComponent<T>(kind: ComponentKind, name: string, read: () => T): T {
    const before = this.component;
    this.component = `${kind}/${name}`;
    try {
      return read();
    } finally {
      this.component = before;
    }
  }

  /**
   * The unresolved `$ref`s of every component an enforced part reaches through `#/components/...`
   * refs (transitively), as if they had been read in that part: components are read once, before
   * the operations, so a broken ref inside one was only a warning.
   */
  private checkReached(value: unknown, label: string): void {
    if (!this.unresolvedIn.size) return;
    const seen = new Set<string>();
    const queue: unknown[] = [value];
    while (queue.length) {
      const v = queue.pop();
      if (Array.isArray(v)) queue.push(...v);
      else if (isObj(v)) {
        const m = typeof v.$ref === 'string' ? /^#\/components\/([^/]+)\/([^/]+)/.exec(v.$ref) : null;
        const key = m && `${m[1]}/${m[2].replace(/~1/g, '/').replace(/~0/g, '~')}`;
        if (key && !seen.has(key)) {
          seen.add(key);
          const [kind, name] = [m![1], key.slice(m![1].length + 1)];
          if ((COMPONENT_KINDS as readonly string[]).includes(kind)) queue.push(this.components[kind as ComponentKind][name]);
          for (const u of this.unresolvedIn.get(key) ?? []) this.enforced(true, label, () => this.unresolvedRef(`${u.message} (in #/components/${key}, which this operation checks)`, { where: u.where, file: this.root }, ''));
        }
        for (const k of Object.keys(v)) if (k !== '$ref') queue.push(v[k]);
      }
    }
  }

  /** Runs `read` with unresolved `$ref`s an error naming `operation` when `enforced`. */
  private enforced<T>(enforced: boolean, operation: string, read: () => T): T {
    const before = this.enforcing;
    this.enforcing = enforced ? operation : before;
    try {
      return read();
    } finally {
      this.enforcing = before;
    }
  }

  private freeName(kind: ComponentKind, raw: string): string {
    const base = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~').replace(/[^A-Za-z0-9._-]+/g, '_') || 'Ref';
    let name = base;
    for (let i = 2; name in this.components[kind] || this.taken(kind, name); i++) name = `${base}_${i}`;
    return name;
  }

  /** A name the document's own components use (read later than a hoist may run). */
  private taken(kind: ComponentKind, name: string): boolean {
    const doc = this.ctx.doc;
    if (this.v2) return isObj(doc[kind === 'schemas' ? 'definitions' : kind]) && name in doc[kind === 'schemas' ? 'definitions' : kind];
    return isObj(doc.components) && isObj(doc.components[kind]) && name in doc.components[kind];
  }

  /** A schema with every nested schema walked: refs kept or hoisted, keywords upgraded to 3.1. */
  schema(s: unknown, at: At): unknown {
    if (!isObj(s)) return s;
    const r = this.ref(s, 'schemas', at);
    if (r) return r;
    const out = this.upgrade ? upgradeSchema(s, this.v2) : { ...s };
    const sub = (v: unknown, ...p: (string | number)[]) => this.schema(v, { where: `${at.where}/${p.join('/')}`, file: at.file });
    for (const k of SCHEMA_MAPS) if (isObj(out[k])) out[k] = Object.fromEntries(Object.entries(out[k]).map(([n, v]) => [n, sub(v, k, n)]));
    for (const k of SCHEMA_ONE) if (isObj(out[k])) out[k] = sub(out[k], k);
    if (Array.isArray(out.items)) out.items = out.items.map((v: unknown, i: number) => sub(v, 'items', i));
    for (const k of SCHEMA_LISTS) if (Array.isArray(out[k])) out[k] = out[k].map((v: unknown, i: number) => sub(v, k, i));
    if (this.v2 && isObj(out.discriminator) && isObj(out.discriminator.mapping)) {
      out.discriminator = { ...out.discriminator, mapping: Object.fromEntries(Object.entries(out.discriminator.mapping).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/^#\/definitions\//, '#/components/schemas/') : v])) };
    }
    return out;
  }

  private content(c: unknown, at: At): unknown {
    if (!isObj(c)) return c;
    return Object.fromEntries(
      Object.entries(c).map(([media, m]) => {
        if (!isObj(m)) return [media, m];
        const w = `${at.where}/${media.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        return [media, { ...m, ...(m.schema !== undefined ? { schema: this.schema(m.schema, { where: `${w}/schema`, file: at.file }) } : {}), ...(isObj(m.examples) ? { examples: this.examples(m.examples, { where: `${w}/examples`, file: at.file }) } : {}) }];
      }),
    );
  }

  private examples(e: Obj, at: At): Obj {
    return Object.fromEntries(Object.entries(e).map(([n, x]) => [n, this.ref(x, 'examples', { where: `${at.where}/${n}`, file: at.file }) ?? x]));
  }

  private parameter(p: unknown, at: At): unknown {
    const r = this.ref(p, 'parameters', at);
    if (r || !isObj(p)) return r ?? p;
    if (this.v2) return v2.parameter(p, (s) => this.schema(s, { where: `${at.where}`, file: at.file }));
    return this.withParts(p, at);
  }

  private header(h: unknown, at: At): unknown {
    const r = this.ref(h, 'headers', at);
    if (r || !isObj(h)) return r ?? h;
    return this.withParts(h, at);
  }

  /** A parameter or header: its schema, content and examples walked. */
  private withParts(p: Obj, at: At): Obj {
    const sub = (k: string): At => ({ where: `${at.where}/${k}`, file: at.file });
    return {
      ...p,
      ...(p.schema !== undefined ? { schema: this.schema(p.schema, sub('schema')) } : {}),
      ...(isObj(p.content) ? { content: this.content(p.content, sub('content')) } : {}),
      ...(isObj(p.examples) ? { examples: this.examples(p.examples, sub('examples')) } : {}),
    };
  }

  private requestBody(b: unknown, at: At): unknown {
    const r = this.ref(b, 'requestBodies', at);
    if (r || !isObj(b)) return r ?? b;
    return { ...b, ...(isObj(b.content) ? { content: this.content(b.content, { where: `${at.where}/content`, file: at.file }) } : {}) };
  }

  private response(x: unknown, at: At, produces: string[]): unknown {
    const r = this.ref(x, 'responses', at);
    if (r || !isObj(x)) return r ?? x;
    const schema = (s: unknown) => this.schema(s, { where: `${at.where}/schema`, file: at.file });
    if (this.v2) return v2.response(x, produces, schema);
    return {
      ...x,
      ...(isObj(x.headers) ? { headers: Object.fromEntries(Object.entries(x.headers).map(([n, h]) => [n, this.header(h, { where: `${at.where}/headers/${n}`, file: at.file })])) } : {}),
      ...(isObj(x.content) ? { content: this.content(x.content, { where: `${at.where}/content`, file: at.file }) } : {}),
    };
  }

  private produces(op: Obj | undefined): string[] {
    const p = op?.produces ?? this.ctx.doc.produces;
    return Array.isArray(p) && p.length ? p.map(String) : ['application/json'];
  }

  private consumes(op: Obj): string[] {
    const c = op.consumes ?? this.ctx.doc.consumes;
    return Array.isArray(c) && c.length ? c.map(String) : ['application/json'];
  }

  /** The operation's parameters with the path item's merged in (the operation's win, by in and name). */
  private mergedParameters(item: Obj, op: Obj, where: string, itemPtr: string, file: string): { value: unknown; at: At }[] {
    const own = (list: unknown, base: string) => (Array.isArray(list) ? list.map((value, i) => ({ value, at: { where: `${base}/parameters/${i}`, file } })) : []);
    const key = (p: { value: unknown; at: At }) => {
      try {
        const r = this.ctx.refs.resolveFrom(p.value, p.at.where, p.at.file).value;
        return isObj(r) ? `${r.in}:${r.name}` : undefined;
      } catch {
        return undefined;
      }
    };
    const ops = own(op.parameters, where);
    const keys = new Set(ops.map(key).filter(Boolean));
    return [...own(item.parameters, itemPtr).filter((p) => !keys.has(key(p))), ...ops];
  }

  /** Responses by status code (`2xx` read as `2XX`); a key that is no status code is left out, with a warning. */
  private responses(rs: Obj, where: string, op: Obj, file: string): Obj {
    const out: Obj = {};
    for (const [raw, r] of Object.entries(rs)) {
      if (raw.startsWith('x-')) continue;
      const code = raw.toLowerCase() === 'default' ? 'default' : raw.toUpperCase();
      const at = `${where}/responses/${raw.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!/^(default|[1-5](?:[0-9]{2}|XX))$/.test(code)) this.ctx.warn('contract', at, `response ${JSON.stringify(raw)} is not a status code (200), a range (2XX) or default; it is left out of the contract`);
      else out[code] = this.response(r, { where: at, file }, this.produces(op));
    }
    return out;
  }

  /** The contract of one operation; undefined when the operation says nothing a contract holds. */
  operation(item: Obj, op: Obj, where: string, itemPtr: string, file: string = this.root, enforce: Enforced = NOT_ENFORCED): Omit<RouteContractSpec, 'operationId'> | undefined {
    const params = this.mergedParameters(item, op, where, itemPtr, file);
    let requestBody: unknown;
    const parameters: unknown[] = [];
    if (this.v2) {
      let body: Obj | undefined;
      const form: Obj[] = [];
      for (const p of params) {
        let resolved: unknown;
        try {
          resolved = this.ctx.refs.resolveFrom(p.value, p.at.where, p.at.file).value;
        } catch (e) {
          // A 2.0 parameter may be the body: unknown, it is enforced when either part is.
          this.enforced(enforce.body || enforce.parameters, enforce.label, () => this.unresolved(e, p.at, 'the parameter is left out of the contract'));
          continue;
        }
        if (isObj(resolved) && resolved.in === 'body') body = resolved;
        else if (isObj(resolved) && resolved.in === 'formData') form.push(resolved);
        else parameters.push(this.enforced(enforce.parameters, enforce.label, () => this.parameter(p.value, p.at)));
      }
      requestBody = this.enforced(enforce.body, enforce.label, () => v2.requestBody(body, form, this.consumes(op), (s) => this.schema(s, { where: `${where}/parameters`, file })));
    } else {
      for (const p of params) parameters.push(this.enforced(enforce.parameters, enforce.label, () => this.parameter(p.value, p.at)));
      if (op.requestBody !== undefined) requestBody = this.enforced(enforce.body, enforce.label, () => this.requestBody(op.requestBody, { where: `${where}/requestBody`, file }));
    }
    if (enforce.parameters) this.checkReached(parameters, enforce.label);
    if (enforce.body) this.checkReached(requestBody, enforce.label);
    const responses = isObj(op.responses) ? this.responses(op.responses, where, op, file) : undefined;
    const out: Omit<RouteContractSpec, 'operationId'> = {
      ...(typeof op.summary === 'string' ? { summary: op.summary } : {}),
      ...(parameters.length ? { parameters: parameters.filter(isObj) } : {}),
      ...(isObj(requestBody) ? { requestBody } : {}),
      ...(responses && Object.keys(responses).length ? { responses: responses as Record<string, Obj> } : {}),
      ...(op.deprecated === true ? { deprecated: true } : {}),
      ...(isObj(op.externalDocs) ? { externalDocs: op.externalDocs } : {}),
    };
    return Object.keys(out).length ? out : undefined;
  }
}
