/** What every route emitter receives: the spec, the stage, the per-stage names and the string guard. */
import type { AzureSku } from '../../../lib/capabilities/types';
import type { CredentialLocation } from '../../../lib/model/credentials';
import type { SynthesisProblem } from '../../../lib/model/errors';
import type { GatewaySpec, RouteSpec } from '../../../lib/model/types';
import type { ApimStrings } from '../expressions';
import type { ApimNames } from '../names';
import type { XNode } from '../xml';

export interface EmitContext {
  readonly spec: GatewaySpec;
  readonly stage: string;
  readonly stageVars: Record<string, string>;
  readonly sku: AzureSku;
  /** Target label for problems, e.g. `azure (Developer)`. */
  readonly target: string;
  readonly names: ApimNames;
  readonly strings: ApimStrings;
  readonly problems: SynthesisProblem[];
  readonly warnings: string[];
  /** Every route needs a subscription: the API requires it, and routes need not check. */
  readonly subscriptionRequired: boolean;
  /**
   * Where API Management reads the subscription key on this API (subscriptionKeyParameterNames):
   * the header is checked first, the query parameter only when the header is absent.
   * @default - undefined when no route uses an API key
   */
  readonly keyParameters?: { readonly header: string; readonly query: string };
  /** The places the spec's API key authorizers read (at most one header and one query parameter). */
  readonly keyLocations: readonly CredentialLocation[];
  readonly externalCache: boolean;
  /** Named values the policies reference (id -> where the value comes from). */
  readonly namedValues: Map<string, NamedValueSource>;
}

/** Where a named value's content comes from at deploy time. */
export type NamedValueSource =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'binding'; readonly binding: string; readonly property: 'url' | 'key' }
  | { readonly kind: 'secret'; readonly secretRef: string };

/** A route concern's policy nodes, by section. */
export interface Fragment {
  readonly inbound?: XNode[];
  readonly backend?: XNode[];
  readonly outbound?: XNode[];
}

/** `(route, context) -> fragment`: one per route concern. */
export type RouteEmitter = (route: RouteSpec, ctx: EmitContext) => Fragment;
