/** ApimPlan: what the AzureApimGateway component creates, computed by the pure compiler. */
import type { AzureSku } from '../../lib/capabilities/table';

export interface ApimOperation {
  /** Operation id (the route id). */
  readonly id: string;
  readonly displayName: string;
  /** HTTP method, `*` for ANY. */
  readonly method: string;
  readonly urlTemplate: string;
  readonly templateParameters: { name: string; type: 'string'; required: true }[];
  readonly queryParameters: { name: string; type: 'string'; required: boolean }[];
  readonly headers: { name: string; type: 'string'; required: boolean }[];
  readonly description?: string;
  /** JSON body schema (a type name in the API schema), when the route validates its body. */
  readonly bodySchema?: string;
  /** Operation policy XML, only when it differs from what the API policy already does. */
  readonly policy?: string;
}

export interface ApimBackend {
  readonly id: string;
  readonly type: 'Single' | 'Pool';
  /** URL of a single backend; `binding:<name>` for a function binding resolved at deploy time. */
  readonly url?: string;
  readonly pool?: { id: string; weight: number }[];
  readonly circuitBreaker?: { failures: number; intervalSeconds: number; tripSeconds: number };
}

export interface ApimProduct {
  readonly id: string;
  readonly displayName: string;
  readonly description?: string;
  readonly policy?: string;
}

export interface ApimSubscription {
  readonly id: string;
  readonly product: string;
  readonly displayName: string;
  /** Where the key comes from; absent: APIM generates it. */
  readonly secretRef?: string;
}

export interface ApimPlan {
  readonly sku: AzureSku;
  readonly stage: string;
  readonly apiId: string;
  readonly displayName: string;
  /** API URL suffix (basePath without the leading slash). */
  readonly path: string;
  readonly version: string;
  readonly description?: string;
  readonly subscriptionRequired: boolean;
  readonly subscriptionKeyParameterNames?: { header: string; query: string };
  readonly versionSet?: { id: string; displayName: string; scheme: 'Segment' | 'Header' | 'Query' };
  readonly apiPolicy: string;
  readonly operations: ApimOperation[];
  /** Body schemas by type name (one API schema document). */
  readonly schemas: Record<string, unknown>;
  readonly backends: ApimBackend[];
  readonly products: ApimProduct[];
  readonly subscriptions: ApimSubscription[];
  /** Named values: stage variables and function URLs (`binding:<name>`). */
  readonly namedValues: { id: string; value: string; secret: false }[];
  readonly diagnostics?: { verbosity: 'error' | 'information'; sampling: number; tracing: boolean };
  readonly warnings: string[];
}
