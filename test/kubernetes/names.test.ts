/**
 * dnsLabel (lib/capabilities/targets/kubernetes-names.ts) returns a name that is a DNS-1123 label
 * already without folding it: the shortcut must give the folding's answer for every input.
 */
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { dnsLabel } from '../../providers/kubernetes/names';

/** dnsLabel as first written: every name folded, then compared with what it was. */
function folded(...parts: string[]): string {
  const raw = parts.join('-');
  const clean = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (clean === raw && clean.length <= 63 && clean) return clean;
  const h = createHash('sha256').update(raw).digest('hex').slice(0, 6);
  const head = clean.slice(0, 63 - h.length - 1).replace(/-+$/g, '');
  return head ? `${head}-${h}` : `x-${h}`;
}

describe('dnsLabel', () => {
  it('gives the folding\'s name for labels, near-labels and anything else', () => {
    const part = fc.oneof(fc.stringMatching(/^[a-z0-9-]{0,12}$/), fc.stringMatching(/^[a-zA-Z0-9._ -]{0,8}$/), fc.string({ maxLength: 6 }), fc.constantFrom('a'.repeat(63), 'a'.repeat(64), 'a-'.repeat(31) + 'a', ''));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 3 }), (parts) => {
        expect(dnsLabel(...parts)).toBe(folded(...parts));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1000), seed: 20261207 },
    );
  });
});
