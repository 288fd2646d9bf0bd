/** Renders the portability report as a terminal table or Markdown. */
import { formatProblem } from '../model/errors';
import type { PortabilityReport } from './portability';
import { targetLabel } from './targets';

const MARK = { native: 'native', emulated: 'emulated', unsupported: 'UNSUPPORTED' } as const;

function whereText(where: string[]): string {
  if (where.length === 1) return where[0];
  const routes = where.filter((w) => w !== 'gateway');
  return `${where.includes('gateway') ? 'gateway, ' : ''}${routes.length} route${routes.length === 1 ? '' : 's'}`;
}

/** A fixed-width table for the terminal, followed by the problems. */
export function formatPortabilityTable(report: PortabilityReport): string {
  const header = ['feature', 'used by', ...report.targets.map((t) => targetLabel(t, report.tiers))];
  const body = report.rows.map((r) => [r.title, whereText(r.where), ...report.targets.map((t) => MARK[r.targets[t]!.support])]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  if (report.problems.length) {
    out.push('', `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} (synthesis fails for these targets):`);
    for (const p of report.problems) out.push(`  ${formatProblem(p)}`);
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
    const cells = report.targets.map((t) => `${MARK[r.targets[t]!.support]}: ${md(r.targets[t]!.note)}`);
    out.push(`| ${md(r.title)} | ${md(whereText(r.where))} | ${cells.join(' | ')} |`);
  }
  out.push('');
  if (report.problems.length) {
    out.push('## Problems', '');
    for (const p of report.problems) out.push(`- ${md(formatProblem(p))}`);
  } else out.push('Every target can synthesize this gateway.');
  return out.join('\n') + '\n';
}
