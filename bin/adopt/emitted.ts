/**
 * What synth emits for one target, as an in-memory source tree the adopt readers take: the API
 * Gateway OpenAPI body (an export), the APIM resource graph, the Apigee bundle files, the
 * Kubernetes manifests. `anygate drift` reads a spec through the same reader as the live export,
 * so both sides lose the same things and only real differences remain. It lives beside bin/synth
 * because lib/ imports no provider.
 */
import { sourceTreeOf, type AdoptPlatform, type SourceTree } from '../../lib/adopt';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { toYaml } from '../../providers/kubernetes/yaml';
import { resourceList } from '../synth/azure';

/** The files synth writes for `platform` (one stage: the first, or `stage`), keyed as in the out dir. */
export function emittedTree(spec: GatewaySpec, platform: AdoptPlatform, stage?: string): SourceTree {
  const s = stage ?? Object.keys(spec.stages)[0];
  switch (platform) {
    case 'aws': {
      const plan = compileAws(spec, { stages: [s] });
      return sourceTreeOf('aws', { 'aws/openapi.json': JSON.stringify(plan.body, null, 2) });
    }
    case 'azure': {
      const plan = compileAzure(spec, { stage: s });
      return sourceTreeOf('azure', { [`azure/${s}/resources.json`]: JSON.stringify(resourceList(plan.resources, spec.name), null, 2) });
    }
    case 'apigee': {
      const plan = compileApigee(spec, { environments: { [s]: s } });
      return sourceTreeOf('apigee', Object.fromEntries(Object.entries(plan.files).map(([f, c]) => [`apiproxy/${f}`, String(c)])));
    }
    case 'kubernetes': {
      const plan = compileKubernetes(spec, { stages: [s] });
      return sourceTreeOf('kubernetes', Object.fromEntries(plan.stages.map((st) => [`kubernetes/${st.stage}/gateway.yaml`, toYaml(st.objects)])));
    }
  }
}
