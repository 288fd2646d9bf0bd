/**
 * docs/observability.md's schema table says, per field, where a target differs: every `absent` in
 * the per-target mapping is named there, and AWS's routeId (method + path template, not the route
 * id) is said both there and in the capability records, since it matches no other target's value.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OBSERVABILITY_DIFFERENCES } from '../../lib/capabilities/targets/observability-differences';
import { AWS_ACCESS_LOG_FIELDS } from '../../providers/aws/observability';

const DOC = readFileSync(path.join(__dirname, '..', '..', 'docs', 'observability.md'), 'utf8');
const TARGETS = ['AWS', 'Azure', 'Apigee', 'Kubernetes'];

/** The rows of the markdown table under a heading, as cells (escaped pipes kept in a cell). */
function table(heading: string): string[][] {
  const from = DOC.indexOf(`## ${heading}\n`);
  expect(from).toBeGreaterThanOrEqual(0);
  const lines = DOC.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows.slice(2);
}

const schemaRows = table('The access-log schema');
/** field -> "where a target differs" cell. */
const differs = new Map<string, string>();
for (const r of schemaRows) for (const f of r[0].split(',')) differs.set(f.trim().replace(/`/g, ''), r[4] ?? '');

test('every schema row has a "where a target differs" cell', () => {
  expect(schemaRows.length).toBeGreaterThan(15);
  for (const r of schemaRows) expect({ field: r[0], cells: r.length }).toEqual({ field: r[0], cells: 5 });
});

test('every field a target leaves absent is named, with that target, in the schema table', () => {
  const missing: string[] = [];
  for (const r of table('Per-target mapping')) {
    const fields = r[0].split(/\s*[/,]\s*/).map((f) => f.trim());
    TARGETS.forEach((t, i) => {
      const parts = r[i + 1].split(' / ');
      fields.forEach((f, j) => {
        const value = parts.length === fields.length ? parts[j] : r[i + 1];
        if (!/^absent\b/.test(value.trim())) return;
        const cell = differs.get(f);
        if (cell === undefined) missing.push(`${f}: no schema row`);
        else if (!cell.includes(t)) missing.push(`${f}: ${t} absent but not said`);
      });
    });
  }
  expect(missing).toEqual([]);
});

test("AWS's routeId is method + path template, and the docs and the records say so", () => {
  expect(AWS_ACCESS_LOG_FIELDS.routeId.value).toBe('$context.httpMethod $context.resourcePath');
  expect(differs.get('routeId')).toMatch(/AWS: `<METHOD> <resource path>`.*not the route id/);
  const aws = OBSERVABILITY_DIFFERENCES.aws.accessLogs.map((d) => d.observed).join('\n');
  expect(aws).toMatch(/routeId is the method and path template .*not the route id/);
});
