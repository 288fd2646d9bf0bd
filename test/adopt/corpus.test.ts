/**
 * Every artifact of the shared gateway corpus imports without a crash, with a loss report whose
 * every unmapped construct has a location in a file of the artifact and a reason; the mapped spec
 * validates and synthesizes on its source platform, and on each other target either synthesizes
 * or is refused by a capability record (a SynthesisError), never by a crash; and `anygate drift`
 * of the artifact against the spec imported from it reports nothing.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, adoptPath, type AdoptPlatform } from '../../lib/adopt';
import { driftSpecs, formatDrift } from '../../lib/adopt/drift';
import { SynthesisError } from '../../lib/model/errors';
import { validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';

const corpus = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'gateways');
const PLATFORMS: AdoptPlatform[] = ['aws', 'azure', 'apigee', 'kubernetes'];

const COMPILE: Record<AdoptPlatform, (spec: GatewaySpec) => unknown> = {
  aws: (s) => compileAws(s, {}),
  azure: (s) => compileAzure(s, { stage: Object.keys(s.stages)[0] }),
  apigee: (s) => compileApigee(s, { environmentType: 'COMPREHENSIVE' }),
  kubernetes: (s) => compileKubernetes(s, {}),
};

const artifacts = existsSync(corpus) ? PLATFORMS.flatMap((p) => (existsSync(path.join(corpus, p)) ? readdirSync(path.join(corpus, p)).sort().map((name) => [p, name] as const) : [])) : [];

(artifacts.length ? describe : describe.skip)('the gateway corpus imports', () => {
  it.each(artifacts)('%s/%s', (platform, name) => {
    const dir = path.join(corpus, platform, name);
    const r = adoptPath(platform, dir);
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) {
      // Every finding names a file of the artifact (a zip entry counts as its zip).
      expect(existsSync(path.join(dir, f.file.split('!/')[0]))).toBe(true);
      if (f.status !== 'mapped') expect(f.reason).toMatch(/\w/);
      else expect(f.mappedTo).toMatch(/\w/);
    }
    const v = validateGateway(r.input);
    expect(v.errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    const spec = v.spec!;
    expect(() => COMPILE[platform](spec)).not.toThrow();
    // Self-drift: the imported spec's own output, read back, has no drift against the artifact.
    const back = validateGateway(adopt(platform, emittedTree(spec, platform)).input);
    expect(formatDrift(driftSpecs(back.spec!, spec))).toEqual([]);
    for (const other of PLATFORMS.filter((p) => p !== platform)) {
      try {
        COMPILE[other](spec);
      } catch (e) {
        expect(e).toBeInstanceOf(SynthesisError);
      }
    }
  });
});
