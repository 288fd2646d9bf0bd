/**
 * apigeelint in the test process (test/apigeelint.ts, what every fast test uses) reports exactly
 * what its CLI reports, `apigeelint -s DIR/apiproxy --profile apigeex -f json.js` in a process of
 * its own with ESLint in processes of their own: byte for byte the same JSON, on every golden
 * case's bundle and on a copy broken on purpose (XML and script findings). Slow tier: a CLI run
 * costs about 2.5 s of CPU a bundle, most of it the ESLint processes the fast path avoids.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { apigeelintReports } from '../apigeelint';
import { brokenBundles, goldenBundle } from './lint-fixtures';

const CLI = require.resolve('apigeelint/cli.js');

/** The CLI's report on one bundle, run from the bundle folder as the in-process linter runs. */
function cliReport(dir: string): unknown {
  const r = spawnSync(process.execPath, [CLI, '-s', path.join(dir, 'apiproxy'), '--profile', 'apigeex', '-f', 'json.js'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.stdout.indexOf('[') < 0) throw new Error(`apigeelint CLI failed on ${dir}: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
}

describe('apigeelint in the test process reports what its CLI reports', () => {
  const { good, broken } = brokenBundles();
  const cases: [string, string][] = [...['petstore', 'minimal', 'payments', 'multi-stage', 'nasty', 'contract'].map((c): [string, string] => [`golden ${c}`, goldenBundle(c)]), ['minimal, copied', good], ['minimal, broken', broken]];
  const reports = apigeelintReports(cases.map(([, d]) => d));

  it.each(cases)('%s', (_, dir) => {
    expect(JSON.stringify(reports[dir])).toBe(JSON.stringify(cliReport(dir)));
  });

  it('the broken copy has errors from the XML rules and from ESLint (so the comparison is not of empty reports)', () => {
    const rules = reports[broken]!.flatMap((f) => f.messages.filter((m) => m.severity === 2).map((m) => m.ruleId));
    expect([...new Set(rules)].sort()).toEqual(['BN010', 'BN011', 'PO013', 'PO025']);
  });
});
