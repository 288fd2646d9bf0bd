import { validateGateway } from '../lib/model/normalize';
import { formatSpecPath, SynthesisError } from '../lib/model/errors';

/** A small valid gateway input that tests modify one rule at a time. */
export function baseSpec(): Record<string, any> {
  return {
    name: 'shop',
    backends: {
      api: { type: 'http', url: 'https://api.example.com' },
      fn: { type: 'function' },
      canned: { type: 'mock', body: { ok: true } },
    },
    authorizers: {
      jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'] },
      key: { type: 'apiKey' },
    },
    plans: { basic: { quota: { limit: 100, period: 'day' } } },
    consumers: { acme: { plan: 'basic' } },
    routes: [
      { method: 'GET', path: '/items/{id}', backend: 'api', auth: ['jwt'], scopes: ['items:read'] },
      { method: 'POST', path: '/items', backend: 'fn', auth: 'key' },
      { method: 'GET', path: '/health', backend: 'canned', auth: 'none' },
    ],
  };
}

/** Errors of a validation as `path: message` strings. */
export function errorsOf(input: unknown): string[] {
  return validateGateway(input).errors.map((i) => `${formatSpecPath(i.path)}: ${i.message}`);
}

/** Deterministic Fisher-Yates shuffle driven by a seed. */
export function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The same object with its keys (at every depth) in a seeded random order; arrays kept. */
export function shuffleKeys<T>(value: T, seed: number): T {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of shuffled(Object.keys(value), seed)) out[k] = shuffleKeys((value as Record<string, unknown>)[k], seed + k.length);
    return out as T;
  }
  return value;
}

/** The problems a compile refuses with, as `where feature target: message`; [] when it compiles. */
export function refusals(compile: () => unknown): string[] {
  try {
    compile();
  } catch (e) {
    if (e instanceof SynthesisError) return e.problems.map((p) => `${p.where} ${p.feature} ${p.target}: ${p.message}`);
    throw e;
  }
  return [];
}

/**
 * The targets that synthesize `spec` and those that refuse it by record, checked against the
 * compilers (each refuses exactly when its records do), and the header line an example states them in.
 */
export function synthesizesOn(spec: import('../lib/model/types').GatewaySpec): { ok: string[]; refused: string[]; line: string } {
  const { targetProblems } = require('../lib/capabilities') as typeof import('../lib/capabilities');
  const { ALL_TARGETS } = require('../lib/capabilities/types') as typeof import('../lib/capabilities/types');
  const { compilers } = require('../bin/synth/compilers') as typeof import('../bin/synth/compilers');
  const refused: string[] = ALL_TARGETS.filter((t) => targetProblems(spec, t).length > 0);
  for (const t of ALL_TARGETS) expect([t, refusals(() => compilers()[t](spec, {})).length > 0]).toEqual([t, refused.includes(t)]);
  const ok: string[] = ALL_TARGETS.filter((t) => !refused.includes(t));
  return { ok, refused, line: `# synthesizes on: ${ok.length ? ok.join(', ') : 'none yet'}; refused by record on: ${refused.length ? refused.join(', ') : 'none'}` };
}
