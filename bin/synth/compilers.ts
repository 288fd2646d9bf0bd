/**
 * The compilers as the portability report runs them (for emitted-size limits), the way synth
 * runs them: AWS with the selected stages, Azure once per stage, Apigee at its environment type.
 */
import type { Compile } from '../../lib/capabilities/portability';
import type { Target } from '../../lib/capabilities/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';

export function compilers(stages?: readonly string[]): Record<Target, Compile> {
  return {
    aws: (spec, o) => compileAws(spec, { ...o.aws, stages: stages ? [...stages] : o.aws?.stages ? [...o.aws.stages] : undefined }),
    azure: (spec, o) => {
      for (const stage of stages ?? Object.keys(spec.stages)) compileAzure(spec, { sku: o.azureSku, stage, externalCache: o.azure?.externalCache });
    },
    kubernetes: (spec) => compileKubernetes(spec, { stages }),
    apigee: (spec, o) => compileApigee(spec, { environmentType: o.apigeeEnvironmentType, environments: o.apigee?.environments ? { ...o.apigee.environments } : undefined }),
  };
}
