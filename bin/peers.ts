/**
 * The optional peer packages each target needs, and whether they resolve from here. Kept free of
 * heavy imports: `anygate init` and `anygate synth` read it before any cloud SDK loads.
 */
import type { Target } from '../lib/capabilities/types';

/** The packages each target's SDK comes from: peer dependencies a user installs for the targets they use. */
export const PEERS: Record<Target, readonly string[]> = {
  aws: ['aws-cdk-lib', 'constructs'],
  azure: ['@pulumi/pulumi', '@pulumi/azure-native'],
  apigee: ['@pulumi/pulumi', '@pulumi/gcp'],
  kubernetes: [],
};

/** What each target needs its peers for: `anygate synth` itself, or only the deploy. */
export const PEER_USE: Record<Target, string> = {
  aws: 'needed by anygate synth (aws) and cdk deploy',
  azure: 'needed by pulumi up (anygate synth needs none)',
  apigee: 'needed by pulumi up (anygate synth needs none)',
  kubernetes: 'none needed: kubectl apply -f the synthesized YAML',
};

/**
 * The peers of `target` that do not resolve from `from` (the anygate package, which is where
 * synth loads them from).
 * @default from - this module's directory
 */
export function missingPeers(target: Target, from: string = __dirname): string[] {
  return PEERS[target].filter((p) => {
    try {
      require.resolve(`${p}/package.json`, { paths: [from] });
      return false;
    } catch {
      return true;
    }
  });
}
