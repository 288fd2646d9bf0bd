/**
 * `anygate portability` and `anygate synth` agree on every example and every document of the
 * OpenAPI corpus, at the default tier and at the tier the records set apart (Consumption, BASE).
 * Registered by test/openapi/corpus.test.ts (run it alone: `npx jest test/openapi/corpus -t
 * portability`), so that the corpus documents are the import that file makes in the same process
 * (../openapi/corpus.ts `corpusImport`): as a test file of its own it shared that import only when
 * Jest happened to run both files in one worker.
 */
import * as path from 'node:path';
import type { Target } from '../../lib/capabilities/types';
import { loadSpec } from '../../lib/load';
import type { GatewaySpec } from '../../lib/model/types';
import { corpusDir, corpusFiles, corpusImport } from '../openapi/corpus';
import { disagreements } from './harness';

const documents = [
  ...['minimal/gateway.yaml', 'petstore/gateway.yaml', 'petstore/gateway.ts', 'multi-stage/gateway.ts'].map((f) => path.join(__dirname, '..', '..', 'examples', f)),
  ...corpusFiles.map((f) => path.join(corpusDir, f)),
];

/**
 * Documents a provider still refuses on its own (the refusal is not yet in the target's records).
 * Remove an entry when the refusal moves into lib/capabilities/targets/<target>.ts.
 */
const PENDING: Record<string, Target[]> = {};

const TIERS = { externalCache: false, azureSku: 'Developer', apigeeEnvironmentType: 'INTERMEDIATE' } as const;

/** Registers the checks (a describe block). */
export function portabilityOnDocuments(): void {
  describe('portability and synth agree on every example and corpus document', () => {
    describe.each(documents)('%s', (file) => {
      let spec: GatewaySpec;
      beforeAll(async () => {
        // Two corpus documents are not valid OpenAPI: they are imported leniently, as users would
        // (../openapi/corpus.ts, which imports each document once per process for every test that reads it).
        spec = path.dirname(file) === corpusDir ? (await corpusImport(path.basename(file))).spec : (await loadSpec(file, { lenient: true })).spec;
      }, 120_000);
      describe.each(['aws', 'azure', 'apigee'] as const)('%s', (target) => {
        const pending = PENDING[path.basename(file)]?.includes(target);
        (pending ? it.failing : it)(`portability reports exactly what synth refuses${pending ? ' (pending)' : ''}`, () => {
          expect(disagreements(spec, target, TIERS, 'distinct')).toEqual([]);
        }, 120_000);
      });
    });
  });
}
