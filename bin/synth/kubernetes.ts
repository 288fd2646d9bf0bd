/** out/kubernetes/<stage>/gateway.yaml: one multi-document file per stage, for `kubectl apply -f`. */
import type { GatewaySpec } from '../../lib/model/types';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { toYamlBytes } from '../../providers/kubernetes/yaml';
import { writeFile } from './files';
import type { Artifact } from './types';

export function synthKubernetes(spec: GatewaySpec, outDir: string, stages: string[]) {
  const plan = compileKubernetes(spec, { stages });
  const artifacts: Artifact[] = plan.stages.map((s) => ({ target: 'kubernetes', kind: 'manifests', name: s.stage, path: writeFile(outDir, `kubernetes/${s.stage}/gateway.yaml`, toYamlBytes(s.objects)) }));
  const objects = plan.stages.flatMap((s) => s.objects);
  const policies = objects.filter((o) => o.kind === 'SecurityPolicy' || o.kind === 'BackendTrafficPolicy').length;
  return { artifacts, resources: objects.length, policies, warnings: plan.notes };
}
