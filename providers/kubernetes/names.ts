/**
 * Object and rule names: DNS-1123 labels derived from spec names, stable (the same route always
 * gets the same name) and unique (a short hash of the original tells apart names that fold
 * together).
 */
import { createHash } from 'node:crypto';

const MAX = 63;

export function shortHash(s: string, n = 6): string {
  return createHash('sha256').update(s).digest('hex').slice(0, n);
}

/** A DNS-1123 label from `parts`: lower-case, `-` separated, at most 63 characters. */
export function dnsLabel(...parts: string[]): string {
  const raw = parts.join('-');
  const clean = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Lossy folding (case, punctuation, length) gets a hash of the original so names stay unique.
  if (clean === raw && clean.length <= MAX && clean) return clean;
  const h = shortHash(raw);
  const head = clean.slice(0, MAX - h.length - 1).replace(/-+$/g, '');
  return head ? `${head}-${h}` : `x-${h}`;
}
