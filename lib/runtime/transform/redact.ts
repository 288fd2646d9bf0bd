/**
 * Response redaction by editing the JSON text, never by re-serializing it: a parse and
 * `JSON.stringify` would change what the client gets outside the redacted fields (integers above
 * 2^53 rounded, `1.0` written `1`, escapes and spacing rewritten, duplicate keys merged). Here
 * every byte outside a redacted field is passed on as the backend sent it.
 *
 * Paths are dotted (`customer.email`, `items.*.card`); `*` matches every key or array element,
 * and a decimal segment matches that array index. A redacted object member is removed with one
 * adjacent comma; a redacted array element becomes `null`, so later indexes keep their meaning.
 * A key that appears twice in one object is redacted (or descended into) at every occurrence,
 * since a client's parser may keep either one.
 *
 * The scanner accepts exactly what JSON.parse accepts (RFC 8259: no BOM, no trailing commas, no
 * comments, only space, tab, CR and LF as whitespace), iteratively, so no nesting depth overflows
 * the stack. Input that is not JSON throws `NotJson`: the caller answers 502.
 */

/** The body is not JSON; it cannot be known to be free of the fields. */
export class NotJson extends Error {}

/** One active path and the index of the segment the next key must match. */
type Cursor = readonly [path: readonly string[], segment: number];

interface Member {
  readonly start: number;
  end: number;
  readonly removed: boolean;
}

interface Frame {
  readonly array: boolean;
  readonly start: number;
  /** An array element being redacted: the whole container becomes `null`. */
  readonly nullOut: boolean;
  /** Paths that continue into this container's children; empty when nothing inside is redacted. */
  readonly cursors: readonly Cursor[];
  index: number;
  /** Object members, tracked only where some path is active. */
  readonly members: Member[];
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX = /^[0-9A-Fa-f]{4}$/;
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/** Where a key (or array index) leads: removed here, or the cursors for its value. */
function step(cursors: readonly Cursor[], key: string): { removed: boolean; next: Cursor[] } {
  const next: Cursor[] = [];
  let removed = false;
  for (const [path, i] of cursors) {
    if (path[i] !== '*' && path[i] !== key) continue;
    if (i === path.length - 1) removed = true;
    else next.push([path, i + 1]);
  }
  // Nothing inside a removed value needs an edit of its own.
  return { removed, next: removed ? [] : next };
}

/**
 * `body` with the fields at `paths` removed. Returns `body` itself when nothing matched.
 * @throws NotJson when `body` is not one JSON value
 */
export function redactJson(body: Buffer, paths: readonly string[]): Buffer {
  const text = body.toString('latin1'); // one character per byte: offsets are byte offsets
  const n = text.length;
  let i = 0;
  const fail = (): never => {
    throw new NotJson(`not JSON at byte ${i}`);
  };
  const ws = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const string = (): void => {
    i++; // the opening quote
    for (;;) {
      if (i >= n) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        const e = text.charCodeAt(i + 1);
        if (e === 0x75) {
          if (!HEX.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if (ESCAPES.has(e)) i += 2;
        else fail();
      } else i++;
    }
  };
  const edits: Edit[] = [];
  const stack: Frame[] = [];
  const top: Cursor[] = paths.map((p) => [p.split('.'), 0]);
  // The value about to be read: its cursors, and whether it is an array element to null out.
  let cursors: readonly Cursor[] = top;
  let nullOut = false;

  for (;;) {
    // A value.
    ws();
    const start = i;
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      i++;
      const frame: Frame = { array: c === 0x5b, start, nullOut, cursors, index: 0, members: [] };
      ws();
      if (text.charCodeAt(i) !== (frame.array ? 0x5d : 0x7d)) {
        stack.push(frame);
        if (!(frame.array ? element(frame) : member(frame))) fail();
        continue;
      }
      i++;
    } else {
      if (c === 0x22) string();
      else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) fail();
        i = NUMBER.lastIndex;
      }
    }
    if (nullOut) edits.push({ start, end: i, text: 'null' });
    // After a value: close every container it completes, or move to the next sibling.
    let more = false;
    while (stack.length) {
      const f = stack[stack.length - 1];
      if (!f.array && f.members.length) f.members[f.members.length - 1].end = i;
      ws();
      const d = text.charCodeAt(i);
      if (d === 0x2c) {
        i++;
        f.index++;
        if (!(f.array ? element(f) : member(f))) fail();
        more = true;
        break;
      }
      if (d !== (f.array ? 0x5d : 0x7d)) fail();
      i++;
      stack.pop();
      if (!f.array) removeMembers(f.members, edits);
      if (f.nullOut) edits.push({ start: f.start, end: i, text: 'null' });
    }
    if (more) continue;
    ws();
    if (i !== n) fail();
    break;
  }
  if (!edits.length) return body;
  edits.sort((a, b) => a.start - b.start);
  const out: Buffer[] = [];
  let at = 0;
  for (const e of edits) {
    out.push(body.subarray(at, e.start), Buffer.from(e.text, 'latin1'));
    at = e.end;
  }
  out.push(body.subarray(at));
  return Buffer.concat(out);

  /** Sets up the next array element; true (an element always follows `[` or `,`). */
  function element(f: Frame): boolean {
    const s = f.cursors.length ? step(f.cursors, String(f.index)) : { removed: false, next: [] };
    cursors = s.next;
    nullOut = s.removed;
    return true;
  }

  /** Reads `"key":` and sets up its value; false when no key follows. */
  function member(f: Frame): boolean {
    ws();
    if (text.charCodeAt(i) !== 0x22) return false;
    const keyStart = i;
    string();
    const keyEnd = i;
    ws();
    if (text.charCodeAt(i) !== 0x3a) fail();
    i++;
    nullOut = false;
    if (!f.cursors.length) {
      cursors = [];
      return true;
    }
    // Keys are compared decoded (`"e\u006dail"` is `email`), as JSON.parse would.
    const key = JSON.parse(body.toString('utf8', keyStart, keyEnd)) as string;
    const s = step(f.cursors, key);
    f.members.push({ start: keyStart, end: keyStart, removed: s.removed });
    cursors = s.next;
    return true;
  }
}

/**
 * Edits removing an object's redacted members: each with the comma before it, or, when no kept
 * member precedes it, with the comma after it, so the object stays JSON and the kept members
 * keep their own bytes.
 */
function removeMembers(members: readonly Member[], edits: Edit[]): void {
  let keptBefore = false;
  members.forEach((m, k) => {
    if (!m.removed) {
      keptBefore = true;
      return;
    }
    if (keptBefore) edits.push({ start: members[k - 1].end, end: m.end, text: '' });
    else edits.push({ start: m.start, end: k + 1 < members.length ? members[k + 1].start : m.end, text: '' });
  });
}
