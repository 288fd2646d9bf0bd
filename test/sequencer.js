/**
 * Starts the slowest test files first, so that neither of the two workers is left running one long
 * file alone at the end. Jest orders by the durations it cached on an earlier run; a fresh clone
 * (CI) has none, and Jest falls back to file size, which put the tarball test (a short file, the
 * longest run) last. These files go first, in this order; the rest keep Jest's order.
 * The list is by measured time (docs/performance.md, "Test suite"); a missing entry is harmless.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

const SLOWEST_FIRST = [
  'package/tarball.slow.test.ts',
  'aws/scale.slow.test.ts',
  'capabilities/agreement.test.ts',
  'openapi/corpus.test.ts', // with the Kubernetes and portability checks of the corpus documents
  'aws/validators.test.ts',
  'dev/conform.test.ts',
  'golden/validators.test.ts',
  'cli/cli.test.ts',
  'cli/synth.test.ts',
  'robustness/outputs.test.ts',
  'fuzz/pipeline.test.ts',
  'kubernetes/scale.test.ts',
  'runtime/authorizer.test.ts',
  'golden/features.test.ts',
  // The adopt round trip's generated specs, in four parts (test/adopt/roundtrip-property.ts).
  'adopt/roundtrip-specs-1.test.ts',
  'adopt/roundtrip-specs-2.test.ts',
  'adopt/roundtrip-specs-3.test.ts',
  'adopt/roundtrip-specs-4.test.ts',
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
