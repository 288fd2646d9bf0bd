/** What a synthesis writes and reports. */
import type { Target } from '../../lib/capabilities/types';

export interface Artifact {
  readonly target: Target | 'gateway';
  /** template, asset, authorizer, transform, policy, plan, resources, bundle, proxy, openapi, portability. */
  readonly kind: string;
  readonly name: string;
  /** Path relative to the out dir, with forward slashes: the file that holds the artifact. */
  readonly path: string;
  /**
   * Set when the artifact is held inside `path` instead of being a file of its own (an Apigee
   * bundle file inside the zip, an Azure operation policy inside plan.json): its path relative to
   * the directory of `path` once unpacked (`apiproxy/policies/AM-x.xml`,
   * `policies/operations/<id>.xml`), which is also its zip entry name. bin/synth/contents.ts reads it.
   * @default - the artifact is the file `path`
   */
  readonly entry?: string;
  /** For an artifact held in a JSON file: the JSON pointer (RFC 6901) to its text. @default - a zip entry */
  readonly pointer?: string;
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
  /** Warning rule ids to leave out, besides the spec's own ignoreWarnings (`synth --ignore`). @default - none */
  readonly ignoreWarnings?: readonly string[];
  readonly progress: (message: string) => void;
}
