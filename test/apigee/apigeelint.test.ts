/**
 * apigeelint runs in the test process (test/apigeelint.ts), its ESLint rule (PO025) through
 * ESLint's CLI in a worker thread: a broken bundle is reported, by the XML rules and by ESLint,
 * and the unchanged copy is not. That the reports equal the apigeelint CLI's, byte for byte:
 * apigeelint.slow.test.ts (npm run test:slow).
 */
import { apigeelintBundles } from '../validators';
import { brokenBundles } from './lint-fixtures';

describe('apigeelint in the test process', () => {
  const { good, broken } = brokenBundles();
  const cwd = process.cwd();
  const findings = apigeelintBundles([good, broken]);
  const errors = (d: string) => findings[d]!.filter((f) => f.severity === 'error').map((f) => `${f.file} ${f.ruleId} ${f.message}`);

  it('reports the broken bundle\'s errors: a missing policy, XML that is not well formed, the script rules ESLint applies', () => {
    expect(errors(broken)).toEqual([
      'proxies/default.xml BN010 Missing policy "RF-not-found"',
      expect.stringMatching(/^policies\/AM-error-status\.xml BN011 Step AM-error-status configuration is not well-formed XML/),
      'resources/jsc/anygate.js PO025 quotes: unknown: Strings must use doublequote.',
      'resources/jsc/anygate.js PO025 semi: unknown: Missing semicolon.',
      // jshint (PO013) finds the syntax error as well.
      "resources/jsc/unparsed.js PO013 error E030: Expected an identifier and instead saw ''.",
      'resources/jsc/unparsed.js PO013 error E041: Unrecoverable syntax error. (100% scanned).',
      'resources/jsc/unparsed.js PO025 null: unknown: Parsing error: Unexpected token (',
    ]);
  });

  it('reports no error on the unchanged copy (the warnings of a plain backend URL only)', () => {
    expect(errors(good)).toEqual([]);
    expect([...new Set(findings[good]!.map((f) => f.ruleId))].sort()).toEqual(['TD002', 'TD007']);
  });

  it('leaves the working directory and child_process.spawnSync as they were', () => {
    expect(process.cwd()).toBe(cwd);
    expect(require('node:child_process').spawnSync.name).toBe('spawnSync');
  });
});
