/**
 * The report's problems as people read them: one line per (feature, target, message) with the
 * places counted and the first few named, so one refused authorizer field on a 316-operation
 * document is one line, not 316. And which cells of the table synth refuses, so a cell never
 * reads "native" beside a refusal. The JSON report keeps every problem.
 */
import { formatProblem, type SynthesisProblem } from '../model/errors';
import type { PortabilityReport } from './portability';
import { specFieldOf } from './spec-fields';
import type { Target } from './types';

/** Places named in a grouped line before "and N more". @default 3 */
const NAMED = 3;

/** One line per (feature, target, message); a single place reads exactly as formatProblem. */
export function groupedProblemLines(problems: readonly SynthesisProblem[]): string[] {
  const groups = new Map<string, { first: SynthesisProblem; where: string[] }>();
  for (const p of problems) {
    const key = JSON.stringify([p.feature, p.target, p.message]);
    const g = groups.get(key);
    if (g) {
      if (!g.where.includes(p.where)) g.where.push(p.where);
    } else groups.set(key, { first: p, where: [p.where] });
  }
  return [...groups.values()].map(({ first, where }) => {
    if (where.length === 1) return formatProblem(first);
    const gateway = where.includes('gateway');
    const routes = where.filter((w) => w !== 'gateway');
    const named = routes.slice(0, NAMED).join(', ') + (routes.length > NAMED ? ` and ${routes.length - NAMED} more` : '');
    const places = `${gateway ? 'gateway and ' : ''}${routes.length} routes (${named})`;
    return `${places}: ${specFieldOf(first.feature)} on ${first.target}: ${first.message}`;
  });
}

/** True when synth refuses this feature on this target for this spec (problems name the target with its tier: `azure (Consumption)`). */
export function refusedCell(report: PortabilityReport, feature: string, target: Target): boolean {
  return report.problems.some((p) => p.feature === feature && (p.target === target || p.target.startsWith(`${target} (`)));
}
