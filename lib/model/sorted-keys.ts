/**
 * Object keys in sorted order, for the walks that visit a spec's objects key by key in that order
 * (canonical, the placeholder walk).
 */

/**
 * The sorted order of each key sequence seen, by the keys joined with NUL: a spec has a few
 * hundred shapes and tens of thousands of objects, and sorting each object's keys was most of
 * canonical's time. An entry keeps the sequence it was made for and is taken only when the keys
 * are that sequence, one by one (a key holding NUL could otherwise join like another sequence).
 * Cleared when large, so a long-lived process does not keep every shape it ever saw.
 */
const sortedKeyOrders = new Map<string, { readonly keys: readonly string[]; readonly sorted: readonly string[] }>();

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `keys` (an object's own keys, in order) sorted; the result is shared, never to be changed. */
export function sortedKeys(keys: string[]): readonly string[] {
  if (keys.length < 2) return keys;
  // Keys often come in sorted order already (objects built sorted, canonical copies walked
  // again): one pass of comparisons costs less than joining them to look the order up.
  let i = 1;
  while (i < keys.length && keys[i - 1]! < keys[i]!) i++;
  if (i === keys.length) return keys;
  const sig = keys.join('\0');
  const held = sortedKeyOrders.get(sig);
  if (held !== undefined && sameKeys(held.keys, keys)) return held.sorted;
  const sorted = [...keys].sort();
  if (held === undefined) {
    if (sortedKeyOrders.size >= 10_000) sortedKeyOrders.clear();
    sortedKeyOrders.set(sig, { keys, sorted });
  }
  return sorted;
}
