/** The portability matrix as HTML: self-contained, one coloured cell per target and feature, notes on hover, escaped. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { escapeHtml, formatPortabilityHtml } from '../../lib/capabilities/html';
import { portability } from '../../lib/capabilities/portability';
import { toGatewaySpec } from '../../lib/model/normalize';
import { scratch } from '../validators';

const petstore = toGatewaySpec(parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8')));

describe('portability.html', () => {
  const report = portability(petstore, ['aws', 'azure', 'apigee', 'kubernetes']);
  const html = formatPortabilityHtml(report, 'petstore <&>');

  it('is one self-contained page: no script, no external reference', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/i);
    expect(html).toContain('<title>Portability: petstore &lt;&amp;&gt;</title>');
  });

  it('has a row per feature and a cell per target, classed by support, with the note as its title', () => {
    const rows = html.match(/<tr><th scope="row">/g) ?? [];
    expect(rows).toHaveLength(report.rows.length);
    const cells = [...html.matchAll(/<td class="(native|emulated|unsupported)" title="([^"]*)">(native|emulated|refused)<\/td>/g)];
    expect(cells).toHaveLength(report.rows.length * report.targets.length);
    const first = report.rows[0]!;
    expect(cells[0]![1]).toBe(first.targets.aws!.support);
    expect(cells[0]![2]).toBe(escapeHtml(first.targets.aws!.note));
    expect(cells.some((c) => c[1] === 'unsupported' && c[3] === 'refused')).toBe(true); // the petstore caches: kubernetes refuses
    expect(html).toMatch(/<h2>Problems/);
  });

  it('parses as HTML without errors (xmllint)', () => {
    const file = path.join(scratch('html'), 'portability.html');
    writeFileSync(file, html);
    const r = spawnSync('xmllint', ['--html', '--noout', file], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  it('escapes text for content and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
