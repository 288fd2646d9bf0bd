/**
 * The compilers as the portability report runs them (for emitted-size limits), the way synth
 * runs them: AWS with the selected stages, Azure once per stage, Apigee at its environment type.
 * Each returns the target's warnings, those synth prints (report-warnings.ts adds the components').
 */
import type { Compile } from '../../lib/capabilities/portability';
import type { Target } from '../../lib/capabilities/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { azureComponentWarnings } from './report-warnings';

export function compilers(stages?: readonly string[]): Record<Target, Compile> {
  return {
    aws: (spec, o) => compileAws(spec, { ...o.aws, stages: stages ? [...stages] : o.aws?.stages ? [...o.aws.stages] : undefined }),
    azure: (spec, o) => {
      const warnings = new Set<string>();
      for (const stage of stages ?? Object.keys(spec.stages)) {
        const plan = compileAzure(spec, { sku: o.azureSku, stage, externalCache: o.azure?.externalCache });
        for (const w of [...plan.warnings, ...azureComponentWarnings(spec, plan)]) warnings.add(w);
      }
      return { warnings: [...warnings] };
    },
    kubernetes: (spec) => ({ warnings: compileKubernetes(spec, { stages }).notes }),
    apigee: (spec, o) => compileApigee(spec, { environmentType: o.apigeeEnvironmentType, environments: o.apigee?.environments ? { ...o.apigee.environments } : undefined }),
  };
}
