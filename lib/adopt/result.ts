/** What an adopt reader returns, whatever the platform. */
import type { Finding } from './findings';

/** The platforms anygate adopts from (the synth targets). */
export type AdoptPlatform = 'aws' | 'azure' | 'apigee' | 'kubernetes';

export const ADOPT_PLATFORMS: readonly AdoptPlatform[] = ['aws', 'azure', 'apigee', 'kubernetes'];

/** Options every reader takes. */
export interface AdoptOptions {
  /** Which API to import when the source holds several (a logical id, API name or proxy name). @default - the one with the most routes */
  readonly api?: string;
  /** Gateway name. @default - the source API's name */
  readonly name?: string;
}

/** One import: the spec input (plain data, not yet validated) and the loss report's findings. */
export interface AdoptResult {
  readonly platform: AdoptPlatform;
  /** The anygate spec input: validate it with validateGateway. */
  readonly input: Record<string, unknown>;
  /** Every construct read, mapped or not, sorted by file and location. */
  readonly findings: readonly { [K in keyof Finding]: Finding[K] }[];
}
