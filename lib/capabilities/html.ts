/**
 * The portability report as one small self-contained HTML page (no script, no external file):
 * targets by features, each cell coloured native / emulated / refused, the target's note on hover
 * (the cell's title), then the problems. `anygate synth` writes it beside portability.md.
 */
import type { PortabilityReport } from './portability';
import { groupedProblemLines, refusedCell } from './problem-groups';
import { targetLabel } from './targets';

const LABEL = { native: 'native', emulated: 'emulated', unsupported: 'refused' } as const;

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1a1a1a}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.35em .7em;text-align:left}
th{background:#f3f3f3}td.native{background:#d9f2d9}td.emulated{background:#fff1c2}td.unsupported{background:#f8d0d0;font-weight:600}
td[title]{cursor:help}.legend span{display:inline-block;padding:.1em .6em;margin-right:.5em;border:1px solid #ccc}
.native{background:#d9f2d9}.emulated{background:#fff1c2}.unsupported{background:#f8d0d0}`;

/** The page: a legend, the matrix (one row per feature the spec uses, one column per target), the problems. */
export function formatPortabilityHtml(report: PortabilityReport, title: string): string {
  const head = ['feature', 'used by', ...report.targets.map((t) => targetLabel(t, report.tiers))];
  const rows = report.rows.map((r) => {
    const cells = report.targets.map((t) => {
      const c = r.targets[t]!;
      const refused = refusedCell(report, r.feature, t) && c.support !== 'unsupported';
      return `<td class="${refused ? 'unsupported' : c.support}" title="${escapeHtml(c.note)}">${refused ? 'refused' : LABEL[c.support]}</td>`;
    });
    const where = r.where.length > 3 ? `${r.where.slice(0, 3).join(', ')} and ${r.where.length - 3} more` : r.where.join(', ');
    return `<tr><th scope="row">${escapeHtml(r.title)}</th><td title="${escapeHtml(r.where.join(', '))}">${escapeHtml(where)}</td>${cells.join('')}</tr>`;
  });
  const problems = report.problems.length
    ? `<h2>Problems (synthesis fails for these targets)</h2>\n<ul>\n${groupedProblemLines(report.problems).map((l) => `<li>${escapeHtml(l)}</li>`).join('\n')}\n</ul>`
    : '<p>Every target can synthesize this gateway.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Portability: ${escapeHtml(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
<h1>Portability: ${escapeHtml(title)}</h1>
<p class="legend"><span class="native">native</span><span class="emulated">emulated</span><span class="unsupported">refused</span> Hover a cell for the target's note.</p>
<table>
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
${problems}
</body>
</html>
`;
}
