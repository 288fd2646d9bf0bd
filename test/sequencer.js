/**
 * Starts the slowest test files first, so that neither of the two workers is left running one long
 * file alone at the end. Jest orders by the durations it cached on an earlier run; a fresh clone
 * (CI) has none, and Jest falls back to file size, which put the tarball test (a short file, the
 * longest run) last. These files go first, in this order; the rest keep Jest's order.
 * The list is by measured time (docs/performance.md, "Test suite"); a missing entry is harmless.
 * Jest's cache holds the test time of each file (jest-light-runner's perfStats), not its module
 * loading nor its start: the list is by CPU, which is what two busy workers share.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

const SLOWEST_FIRST = [
  'package/tarball.slow.test.ts',
  'aws/scale.slow.test.ts',
  // CPU s of each file (own + child processes), one npm test, 2026-12-07 (docs/performance.md,
  // "Round 3, eighth pass"); the first two also load most modules of their worker.
  'openapi/corpus.test.ts', // 18.5, with the Kubernetes and portability checks of the corpus documents
  'capabilities/agreement.test.ts', // 12.1
  'model/yaml-data.test.ts', // 13.2
  'golden/features.test.ts', // 11.9
  'aws/scale.test.ts', // 10.5
  'cli/synth.test.ts', // 10.6
  'dev/conform.test.ts', // 9.6
  'cli/cli.test.ts', // 7.6
  'golden/validators.test.ts', // 7.3
  'aws/optional-and-schemes.test.ts', // 7.2
  'aws/construct.test.ts', // 6.7
  'domains/aws.test.ts', // 6.4
  'examples/walkthroughs.test.ts', // 5.7
  'azure/gateway.test.ts', // 5.7
  'fuzz/pipeline.test.ts', // 5.4
  // The adopt round trip's generated specs, in four parts (test/adopt/roundtrip-property.ts).
  'adopt/roundtrip-specs-1.test.ts',
  'adopt/roundtrip-specs-2.test.ts',
  'adopt/roundtrip-specs-3.test.ts',
  'adopt/roundtrip-specs-4.test.ts',
  'runtime/authorizer.test.ts', // 4.9
  'browser/pages.test.ts', // 4.8
  'kubernetes/yaml-writers.test.ts', // 4.5
  'openapi/contract-tools.test.ts', // 4.3
  'adopt/corpus.test.ts', // 4.1
  'apigee/names.test.ts', // 4.0
  'openapi/real-shapes.test.ts', // 4.0
  'aws/validators.test.ts',
  'robustness/outputs.test.ts',
  'kubernetes/scale.test.ts',
];

class SlowestFirst extends Sequencer {
  sort(tests) {
    const rank = (t) => {
      const rel = path.relative(path.join(t.context.config.rootDir, 'test'), t.path).split(path.sep).join('/');
      const i = SLOWEST_FIRST.indexOf(rel);
      return i === -1 ? SLOWEST_FIRST.length : i;
    };
    const known = tests.filter((t) => rank(t) < SLOWEST_FIRST.length).sort((a, b) => rank(a) - rank(b));
    const rest = super.sort(tests.filter((t) => rank(t) === SLOWEST_FIRST.length));
    return [...known, ...rest];
  }
}

module.exports = SlowestFirst;
