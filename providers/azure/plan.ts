/** ApimPlan: what the AzureApimGateway component creates, computed by the pure compiler. */
import type { ApimMcpServer } from './mcp';
import type { ApimHostname } from './emit/mtls';
import type { ApimParameter, ApimRepresentation, ApimResponse } from './contract';
import type { AzureSku } from '../../lib/capabilities/types';
import type { DeployRef, PlannedResource } from '../shared/resources';
import type { ApimAlert, ApimDashboard } from './observability';

export interface ApimOperation {
  /** Operation id (the route id). */
  readonly id: string;
  readonly displayName: string;
  /** HTTP method, `*` for ANY. */
  readonly method: string;
  readonly urlTemplate: string;
  readonly templateParameters: ApimParameter[];
  readonly queryParameters: ApimParameter[];
  readonly headers: ApimParameter[];
  readonly description?: string;
  /** JSON body schema (a type name in the API schema), when the route validates its body. */
  readonly bodySchema?: string;
  /** Request representations from the contract (validation.contract). @default - none */
  readonly representations?: ApimRepresentation[];
  /** Numbered responses the contract publishes. @default - none */
  readonly responses?: ApimResponse[];
  /** Operation policy XML, only when it differs from what the API policy already does. */
  readonly policy?: string;
}

export interface ApimBackend {
  /** Backend id in the service (carries the stage). */
  readonly id: string;
  /** The spec's backend name (pool members: `<name>-<n>`); names the Pulumi resource. */
  readonly key: string;
  readonly type: 'Single' | 'Pool';
  /** URL of a single backend; a function binding's URL is resolved at deploy time. */
  readonly url?: string | DeployRef;
  /** Pool members by key. */
  readonly pool?: { key: string; weight: number }[];
  readonly circuitBreaker?: { failures: number; intervalSeconds: number; tripSeconds: number };
  /** Headers sent on every call, as named-value references (a function key). */
  readonly credentialHeaders?: Record<string, string>;
}

export interface ApimProduct {
  readonly id: string;
  /** Pulumi resource key (stable across releases). */
  readonly key: string;
  readonly displayName: string;
  readonly description?: string;
  readonly policy?: string;
}

export interface ApimSubscription {
  readonly id: string;
  readonly key: string;
  /** Product key. */
  readonly product: string;
  readonly displayName: string;
  /** Where the key comes from; absent: APIM generates it. */
  readonly secretRef?: string;
}

export interface ApimNamedValue {
  readonly id: string;
  readonly value: string | DeployRef;
  /** Secret named values (function keys) are stored encrypted and never shown. */
  readonly secret: boolean;
}

/** What an Api beside the main one carries: a version's or a revision's. */
export interface ApimExtraApi {
  readonly apiId: string;
  readonly displayName: string;
  readonly description?: string;
  readonly subscriptionRequired: boolean;
  readonly subscriptionKeyParameterNames?: { header: string; query: string };
  readonly apiPolicy: string;
  readonly operations: ApimOperation[];
  readonly schemas: Record<string, unknown>;
}

/** One more version's Api in the version set (providers/azure/versions.ts). */
export interface ApimVersionApi extends ApimExtraApi {
  /** Pulumi resource key part (the version name). */
  readonly key: string;
  /** The version identifier (apiVersion). */
  readonly version: string;
}

/** An API revision as the Api carries it (apiRevision, isCurrent, apiRevisionDescription). */
export interface ApimRevision {
  readonly number: number;
  readonly isCurrent: boolean;
  readonly description?: string;
}

/** A non-current revision: an Api `<apiId>;rev=N` made from the current one. */
export interface ApimRevisionApi extends ApimExtraApi {
  /** Pulumi resource key part (`rev-N`). */
  readonly key: string;
  readonly revision: ApimRevision;
}

export interface ApimPlan {
  readonly sku: AzureSku;
  readonly stage: string;
  readonly apiId: string;
  readonly displayName: string;
  /** API URL suffix: the stage plus the basePath (`prod/v1`). */
  readonly path: string;
  readonly version: string;
  readonly description?: string;
  readonly subscriptionRequired: boolean;
  readonly subscriptionKeyParameterNames?: { header: string; query: string };
  readonly versionSet?: { id: string; displayName: string; scheme: 'Segment' | 'Header' | 'Query'; headerName?: string; queryName?: string };
  /** The Apis of every version after the first (the first is this plan's own Api). @default - none */
  readonly versionApis?: ApimVersionApi[];
  /** The revision this plan's own Api is (the current one). @default - no revisions declared */
  readonly revision?: ApimRevision;
  /** The other revisions' Apis. @default - none */
  readonly revisionApis?: ApimRevisionApi[];
  readonly apiPolicy: string;
  readonly operations: ApimOperation[];
  /** Body schemas by type name (one API schema document). */
  readonly schemas: Record<string, unknown>;
  readonly backends: ApimBackend[];
  readonly products: ApimProduct[];
  readonly subscriptions: ApimSubscription[];
  /** Named values the policies and backends reference (function URLs and keys). */
  readonly namedValues: ApimNamedValue[];
  readonly diagnostics?: { loggerId: string; verbosity: 'error' | 'information'; sampling: number; tracing: boolean };
  /** Log alert rules for observability.objectives, over the access log in Application Insights. @default - none */
  readonly alerts?: ApimAlert[];
  /** The stage's workbook (observability.dashboards). @default - none */
  readonly dashboard?: ApimDashboard;
  /**
   * Every resource the component creates, in creation order (names relative to the component:
   * the component prefixes them with its own name).
   */
  readonly resources: PlannedResource[];
  /** The MCP server of the tool routes (providers/azure/mcp.ts). @default - none */
  readonly mcp?: ApimMcpServer;
  /** Custom host names of this stage (service hostnameConfigurations). @default - none */
  readonly hostnames?: ApimHostname[];
  /** Consumption only: the service asks every client for a certificate. @default false */
  readonly enableClientCertificate?: boolean;
  readonly warnings: string[];
}
