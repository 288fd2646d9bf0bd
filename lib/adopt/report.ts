/**
 * The loss report: every construct an import read, grouped by status, with its location (file and
 * JSON pointer or XPath) and why it did not map. Rendered as Markdown (for people and reviews) or
 * JSON (for tools). Deterministic: findings arrive sorted.
 */
import { countFindings, type Finding } from './findings';
import type { AdoptPlatform } from './result';

/** The report's JSON form. */
export interface LossReport {
  readonly platform: AdoptPlatform;
  readonly source: string;
  readonly counts: Record<'mapped' | 'partial' | 'lost', number>;
  readonly findings: readonly Finding[];
  /** Validation problems of the imported spec (path: message). */
  readonly validation: readonly string[];
}

const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** `file#pointer`, the way the report writes a location. */
export function locationOf(f: Pick<Finding, 'file' | 'at'>): string {
  return f.at ? `${f.file}#${f.at}` : f.file;
}

/** The loss report as Markdown. */
export function renderLossReport(r: LossReport): string {
  const lines = [
    `# Import loss report: ${r.platform}`,
    '',
    `Source: \`${r.source}\`. ${r.counts.mapped} constructs mapped, ${r.counts.partial} mapped in part, ${r.counts.lost} not mapped.`,
    '',
  ];
  if (r.validation.length) lines.push('## The imported spec does not validate', '', ...r.validation.map((v) => `- ${v}`), '');
  for (const [status, title] of [
    ['lost', 'Not mapped'],
    ['partial', 'Mapped in part'],
    ['mapped', 'Mapped'],
  ] as const) {
    const list = r.findings.filter((f) => f.status === status);
    if (!list.length) continue;
    lines.push(`## ${title} (${list.length})`, '', status === 'mapped' ? '| location | construct | in the spec |' : '| location | construct | in the spec | why |', status === 'mapped' ? '|---|---|---|' : '|---|---|---|---|');
    for (const f of list) lines.push(status === 'mapped' ? `| \`${cell(locationOf(f))}\` | ${cell(f.construct)} | ${cell(f.mappedTo)} |` : `| \`${cell(locationOf(f))}\` | ${cell(f.construct)} | ${cell(f.mappedTo ?? '-')} | ${cell(f.reason)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Builds the report's JSON form. */
export function lossReport(platform: AdoptPlatform, source: string, findings: readonly Finding[], validation: readonly string[]): LossReport {
  return { platform, source, counts: countFindings(findings), findings, validation };
}
