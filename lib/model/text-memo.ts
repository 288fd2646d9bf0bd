/**
 * Remembering what a pure function made of a text: parsing a document or writing an object is
 * the same work every time the same bytes come again, and they do come again (the policy files
 * and manifests anygate emits for one gateway are mostly alike for the next, and `anygate drift`
 * reads two nearly equal trees). Bounded by the bytes of the texts held, the least recently used
 * dropped first. Values are shared between callers: hold only immutable ones (deepFreeze).
 */

/** A bounded cache from text to a value. */
export class TextMemo<V> {
  private readonly entries = new Map<string, V>();
  private bytes = 0;

  /**
   * @param maxBytes texts held at most, in UTF-16 code units. @default 4 MiB
   * @param maxTextLength longer texts are not remembered (computed each time). @default 64 KiB
   */
  constructor(
    private readonly maxBytes = 4 * 1024 * 1024,
    private readonly maxTextLength = 64 * 1024,
  ) {}

  /** The value for `text`, computed by `make` when not held. */
  get(text: string, make: (text: string) => V): V {
    const held = this.entries.get(text);
    if (held !== undefined || this.entries.has(text)) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(text);
      this.entries.set(text, held as V);
      return held as V;
    }
    const value = make(text);
    if (text.length > this.maxTextLength) return value;
    this.entries.set(text, value);
    this.bytes += text.length;
    for (const [k] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= k.length;
    }
    return value;
  }

  /** How many texts are held (tests). */
  get size(): number {
    return this.entries.size;
  }
}

/** `v` and everything reachable from it frozen, so a value a memo shares cannot be changed by one caller. */
export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
