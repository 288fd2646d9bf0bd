#!/usr/bin/env node
/**
 * apigeelint (--profile apigeex, the CLI's defaults otherwise) on several unpacked bundles in one
 * process: `node test/apigeelint-bundles.js DIR...`, each DIR holding apiproxy/. Prints
 * { [dir]: report } as JSON, the report being what `apigeelint -f json.js` prints. Loading
 * apigeelint and its plugins is most of a run's cost, so test/validators.ts lints many bundles at once.
 */
const path = require('node:path');
const bundleLinter = require('apigeelint/lib/package/bundleLinter.js');

/** Lints one bundle; resolves to its report. */
function lint(dir) {
  // From the bundle folder, as the CLI runs: its ESLint pass ignores files outside the working directory.
  process.chdir(dir);
  const config = {
    debug: true,
    source: { type: 'filesystem', path: path.join(dir, 'apiproxy'), sourcePath: 'apiproxy', bundleType: 'apiproxy' },
    complexConditionTermCount: 12,
    policyCountLimit: 100,
    excluded: {},
    maxWarnings: -1,
    profile: 'apigeex',
    formatter: 'json.js',
    output: () => undefined,
    setExitCode: false,
  };
  return new Promise((resolve, reject) => bundleLinter.lint(config, (bundle, error) => (error ? reject(error) : resolve(bundle.getReport()))));
}

async function main() {
  const reports = {};
  for (const dir of process.argv.slice(2).map((d) => path.resolve(d))) reports[dir] = await lint(dir);
  process.stdout.write(JSON.stringify(reports));
}

main().catch((e) => {
  process.stderr.write(`apigeelint-bundles: ${e && e.message ? e.message : e}\n`);
  process.exitCode = 1;
});
