/**
 * lib/model/route-field.ts: a route field whose module registers rules is found through Route's
 * shape (optional and .meta() wrappers unwrapped), and only when the route sets it.
 */
import { z } from 'zod';
import { routeField, routeFieldRules, routeFieldsOf } from '../../lib/model/route-field';

describe('route fields with rules of their own', () => {
  const Thing = routeField(z.strictObject({ n: z.number() }), { normalize: (t) => ({ n: t.n * 2 }) });
  const shape = { thing: Thing.optional().meta({ description: 'a thing' }), other: z.string().optional() };

  it('finds the rules under optional() and meta(), and none on a plain field', () => {
    expect(routeFieldRules(shape.thing)?.normalize({ n: 2 })).toEqual({ n: 4 });
    expect(routeFieldRules(shape.other)).toBeUndefined();
  });

  it('lists only the registered fields a route sets', () => {
    expect(routeFieldsOf(shape, { thing: { n: 1 }, other: 'x' }).map((f) => [f.key, f.rules.normalize(f.value)])).toEqual([['thing', { n: 2 }]]);
    expect(routeFieldsOf(shape, { other: 'x' })).toEqual([]);
  });
});
