export { compileKubernetes } from './compile';
export type { K8sObject, KubernetesCompileOptions, KubernetesPlan, KubernetesStagePlan, ServiceRef } from './plan';
export { toYaml } from './yaml';
