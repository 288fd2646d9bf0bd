/** Renders the portability report as a terminal table or Markdown. */
import type { PortabilityReport } from './portability';
import { targetLabel } from './targets';
import { groupedProblemLines, refusedCell } from './problem-groups';
import type { BehaviourDifference } from './types';

const MARK = { native: 'native', emulated: 'emulated', unsupported: 'UNSUPPORTED' } as const;

function whereText(where: string[]): string {
  if (where.length === 1) return where[0];
  const routes = where.filter((w) => w !== 'gateway');
  return `${where.includes('gateway') ? 'gateway, ' : ''}${routes.length} route${routes.length === 1 ? '' : 's'}`;
}

const differenceText = (d: Omit<BehaviourDifference, 'when'>) => `${d.aspect}: ${d.observed}${d.remedy ? `; remedy: ${d.remedy}` : ''}`;

/** Every behaviour difference of the report, one line each: `feature on target: aspect: observed Remedy: ...`. */
export function differenceLines(report: PortabilityReport): string[] {
  const out: string[] = [];
  for (const r of report.rows) {
    for (const t of report.targets) {
      for (const d of r.targets[t]?.differences ?? []) out.push(`${r.title} on ${targetLabel(t, report.tiers)}: ${differenceText(d)}`);
    }
  }
  return out;
}

const mark = (c: { support: keyof typeof MARK; differences?: readonly unknown[] }, refused: boolean) =>
  refused && c.support !== 'unsupported' ? 'REFUSED' : `${MARK[c.support]}${c.differences?.length ? ', differs' : ''}`;

/** A fixed-width table for the terminal, the behaviour differences, then the problems. */
export function formatPortabilityTable(report: PortabilityReport): string {
  const header = ['feature', 'used by', ...report.targets.map((t) => targetLabel(t, report.tiers))];
  const body = report.rows.map((r) => [r.title, whereText(r.where), ...report.targets.map((t) => mark(r.targets[t]!, refusedCell(report, r.feature, t)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  const differences = differenceLines(report);
  if (differences.length) out.push('', 'behaves differently from the spec (synthesis succeeds; clients see this):', ...differences.map((d) => `  ${d}`));
  if (report.problems.length) {
    out.push('', `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} (synthesis fails for these targets):`);
    for (const l of groupedProblemLines(report.problems)) out.push(`  ${l}`);
  } else out.push('', 'every target can synthesize this gateway');
  return out.join('\n') + '\n';
}

function md(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** Markdown: the table with each target's note, then the problems. */
export function formatPortabilityMarkdown(report: PortabilityReport, title: string): string {
  const out = [`# Portability: ${md(title)}`, ''];
  out.push(`| feature | used by | ${report.targets.map((t) => targetLabel(t, report.tiers)).join(' | ')} |`);
  out.push(`|---|---|${report.targets.map(() => '---').join('|')}|`);
  for (const r of report.rows) {
    const cells = report.targets.map((t) => {
      const c = r.targets[t]!;
      const aspects = [...new Set((c.differences ?? []).map((d) => d.aspect))];
      const support = refusedCell(report, r.feature, t) && c.support !== 'unsupported' ? 'REFUSED (see Problems)' : MARK[c.support];
      return `${support}: ${md(c.note)}${aspects.length ? ` (differs: ${aspects.join(', ')})` : ''}`;
    });
    out.push(`| ${md(r.title)} | ${md(whereText(r.where))} | ${cells.join(' | ')} |`);
  }
  out.push('');
  const differences = differenceLines(report);
  if (differences.length) out.push('## Behaviour that differs from the spec', '', ...differences.map((d) => `- ${md(d)}`), '');
  if (report.problems.length) {
    out.push('## Problems', '');
    for (const l of groupedProblemLines(report.problems)) out.push(`- ${md(l)}`);
  } else out.push('Every target can synthesize this gateway.');
  return out.join('\n') + '\n';
}
