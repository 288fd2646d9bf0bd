/** What a synthesis writes and reports. */
import type { Target } from '../../lib/capabilities/types';

export interface Artifact {
  readonly target: Target | 'gateway';
  /** template, asset, authorizer, transform, policy, plan, resources, bundle, proxy, openapi, portability. */
  readonly kind: string;
  readonly name: string;
  /** Path relative to the out dir, with forward slashes. */
  readonly path: string;
}

export interface TargetSummary {
  readonly target: Target;
  readonly ok: boolean;
  readonly resources: number;
  readonly policies: number;
  readonly warnings: string[];
  readonly errors: string[];
}

export interface SynthOptions {
  readonly targets: Target[];
  readonly outDir: string;
  /** Stages to synthesize (Azure writes one component per stage). @default - every stage */
  readonly stages?: string[];
  readonly azureSku?: import('../../lib/capabilities/types').AzureSku;
  readonly apigeeEnvironmentType?: import('../../lib/capabilities/types').ApigeeEnvironmentType;
  /**
   * AWS account and region for literal ARNs in the template and API body. @default - CDK_DEFAULT_ACCOUNT
   * and CDK_DEFAULT_REGION when both are set, else an environment-agnostic stack (large bodies are
   * resolved at deploy time)
   */
  readonly awsEnv?: { readonly account: string; readonly region: string };
  readonly progress: (message: string) => void;
}
