import fc from 'fast-check';
import { afterScheme, planAlternatives } from '../../lib/runtime/alternatives';

const ALTS = [['oauth'], ['headerKey'], ['queryKey']];
const plan = (alts: string[][], sent: string[], keys: string[] = []) => planAlternatives(alts, (n) => sent.includes(n), keys);

describe('planAlternatives', () => {
  it('compares the scheme without ASCII case only (RFC 7235 token): KELVIN SIGN is no k', () => {
    expect(afterScheme('TOKEN abc', 'token')).toBe('abc');
    expect(afterScheme('ToKeN abc', 'token')).toBe('abc');
    expect(afterScheme('To\u212Aen abc', 'token')).toBeUndefined();
    expect(afterScheme('\u0130d abc', 'id')).toBeUndefined();
    expect(afterScheme('token ', 'token')).toBeUndefined();
  });

  it('checks the one credential presented and lets in its alternative', () => {
    expect(plan(ALTS, ['oauth'])).toEqual({ ok: true, check: ['oauth'], alternative: 0 });
    expect(plan(ALTS, ['queryKey'], ['k1'])).toEqual({ ok: true, check: ['queryKey'], alternative: 2 });
  });

  it('checks every credential presented, not only the first alternative', () => {
    expect(plan(ALTS, ['oauth', 'headerKey'], ['k1'])).toEqual({ ok: true, check: ['oauth', 'headerKey'], alternative: 0 });
  });

  it('refuses when nothing is presented, half a pair, or two different keys', () => {
    expect(plan(ALTS, [])).toEqual({ ok: false, reason: 'none-presented' });
    expect(plan([['oauth'], ['partnerKey', 'partnerJwt']], ['partnerKey'], ['k'])).toEqual({ ok: false, reason: 'incomplete' });
    expect(plan(ALTS, ['headerKey', 'queryKey'], ['k1', 'k2'])).toEqual({ ok: false, reason: 'different-keys' });
    expect(plan(ALTS, ['headerKey', 'queryKey'], ['k1', 'k1'])).toEqual({ ok: true, check: ['headerKey', 'queryKey'], alternative: 1 });
  });

  it('property: an allowed plan checks exactly the presented names, and its alternative is complete', () => {
    const names = ['a', 'b', 'c', 'd'];
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        fc.subarray(names),
        (alts, sent) => {
          const p = plan(alts, sent);
          const used = new Set(alts.flat());
          const presentedUsed = sent.filter((n) => used.has(n));
          if (!p.ok) {
            const complete = alts.some((alt) => alt.every((n) => sent.includes(n)));
            return p.reason === (presentedUsed.length === 0 ? 'none-presented' : 'incomplete') && !complete;
          }
          return [...p.check].sort().join() === [...presentedUsed].sort().join() && alts[p.alternative].every((n) => sent.includes(n)) && alts.slice(0, p.alternative).every((alt) => !alt.every((n) => sent.includes(n)));
        },
      ),
    );
  });
});
