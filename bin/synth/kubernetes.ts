/** out/kubernetes/<stage>/gateway.yaml: one multi-document file per stage, for `kubectl apply -f`. */
import type { GatewaySpec } from '../../lib/model/types';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { eachYamlBytes } from '../../providers/kubernetes/yaml';
import { writeFile } from './files';
import type { Artifact } from './types';

export function synthKubernetes(spec: GatewaySpec, outDir: string, stages: string[]) {
  const plan = compileKubernetes(spec, { stages });
  // writeFile is synchronous: a stage's bytes are in its file before the next stage's replace them.
  const artifacts: Artifact[] = eachYamlBytes(plan.stages.map((s) => s.objects), (bytes, i) => {
    const s = plan.stages[i];
    return { target: 'kubernetes', kind: 'manifests', name: s.stage, path: writeFile(outDir, `kubernetes/${s.stage}/gateway.yaml`, bytes) };
  });
  const objects = plan.stages.flatMap((s) => s.objects);
  const policies = objects.filter((o) => o.kind === 'SecurityPolicy' || o.kind === 'BackendTrafficPolicy').length;
  return { artifacts, resources: objects.length, policies, warnings: plan.notes };
}
