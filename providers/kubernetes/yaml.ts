/** Plain YAML for `kubectl apply -f`: one multi-document file per stage, objects in plan order. */
import { stringify } from 'yaml';
import type { K8sObject } from './plan';

/** The objects as one multi-document YAML stream. Spec strings are YAML scalars, never raw text. */
export function toYaml(objects: readonly K8sObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
