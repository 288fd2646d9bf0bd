/**
 * The YAML 1.2 core schema's plain-scalar resolution (YAML 1.2.2, 10.3.2), as the `yaml`
 * package applies it: js-yaml's own core schema also reads 0b and 1_000 forms. Tried in order.
 * Shared by the two fast YAML readers (./yaml-data and ./yaml-lines).
 */
export const CORE: [string, RegExp, (s: string) => unknown][] = [
  ['null', /^(?:~|[Nn]ull|NULL)?$/, () => null],
  ['bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'],
  ['int-oct', /^0o[0-7]+$/, (s) => parseInt(s.slice(2), 8)],
  ['int', /^[-+]?[0-9]+$/, (s) => parseInt(s, 10)],
  ['int-hex', /^0x[0-9a-fA-F]+$/, (s) => parseInt(s.slice(2), 16)],
  ['float-special', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity)],
  ['float-exp', /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, parseFloat],
  ['float', /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, parseFloat],
];

/**
 * A non-empty plain scalar's value under CORE: the first form it matches, else the text. Every
 * form starts with one of `~nNtTfF+-.` or a digit, so other text is a string without a test.
 */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // ~ n N t T f F + - . 0-9
  if (!(c === 0x7e || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46 || c === 0x2b || c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39))) return s;
  for (const [, test, construct] of CORE) if (test.test(s)) return construct(s);
  return s;
}
