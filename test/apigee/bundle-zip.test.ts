/**
 * The Apigee bundle zip is written synchronously (providers/apigee/bundle.ts zipSync); yazl, which
 * wrote it before, stays the reference: the two must give the same bytes (so the bundle's sha256,
 * its revision name, does not change), for compiled gateways and for generated file sets (empty
 * files, files on both sides of the deflate threshold, non-ASCII names and contents).
 */
import fc from 'fast-check';
import { generateGateway } from '../../bench/gen-spec';
import { toGatewaySpec } from '../../lib/model/normalize';
import { bundleZipYazl, zipSync } from '../../providers/apigee/bundle';
import { compileApigee } from '../../providers/apigee/compile';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);

describe('Apigee bundle zip', () => {
  it('is yazl\'s zip byte for byte for a compiled gateway', async () => {
    const plan = compileApigee(toGatewaySpec(generateGateway(60)), { environments: { dev: 'dev', prod: 'prod' } });
    expect(Object.keys(plan.files).length).toBeGreaterThan(60);
    expect(Object.values(plan.files).some((f) => Buffer.byteLength(f) >= 4096)).toBe(true);
    expect(zipSync(plan.files)!.equals(await bundleZipYazl(plan))).toBe(true);
  });

  it('is yazl\'s zip byte for byte for generated file sets', async () => {
    const name = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}(\/[a-zA-Z0-9_.-]{1,12})?$/).filter((n) => !n.split('/').some((p) => p === '.' || p === '..'));
    const content = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.nat(9000).map((n) => 'x<y/>'.repeat(Math.ceil(n / 5))), fc.constant(''));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.oneof(name, fc.constant('policies/é-ü.xml')), content, { maxKeys: 8 }), async (files) => {
        expect(zipSync(files)!.equals(await bundleZipYazl({ files }))).toBe(true);
      }),
      { numRuns: RUNS / 3, seed: SEED },
    );
  });
});
