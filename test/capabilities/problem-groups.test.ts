import { groupedProblemLines } from '../../lib/capabilities/problem-groups';
import type { SynthesisProblem } from '../../lib/model/errors';

const p = (where: string, message = 'no'): SynthesisProblem => ({ target: 'azure (Consumption)', where, feature: 'route.cache', message });

describe('problems as people read them: one line per feature, target and message', () => {
  it('keeps a single place exactly as formatProblem writes it', () => {
    expect(groupedProblemLines([p('a')])).toEqual(['route a: route.cache on azure (Consumption): no']);
  });

  it('counts the routes, names the first three, and keeps different messages apart', () => {
    const lines = groupedProblemLines([p('a'), p('b'), p('c'), p('d'), p('e'), p('a'), p('x', 'other')]);
    expect(lines).toEqual(['5 routes (a, b, c and 2 more): route.cache on azure (Consumption): no', 'route x: route.cache on azure (Consumption): other']);
  });

  it('316 routes with one problem make one line', () => {
    expect(groupedProblemLines(Array.from({ length: 316 }, (_, i) => p(`r${i}`)))).toHaveLength(1);
  });
});
