/** ApigeePlan: the proxy bundle as files plus the org resources, computed by the pure compiler. */
import type { ApigeeDomainPlan } from './domains';
import type { ApigeeMcpProxy } from './mcp';
import type { ApigeeAlert } from './observability';
import type { ApigeeEnvironmentType } from '../../lib/capabilities/types';
import type { DeployRef, PlannedResource } from '../shared/resources';

/** One API product per plan and stage: a key issued for one stage works there only, with its own quota. */
export interface ApigeeProduct {
  readonly name: string;
  readonly displayName: string;
  readonly description?: string;
  readonly plan: string;
  readonly stage: string;
  /** The one environment the product (and so its keys and quota counters) covers. */
  readonly environment: string;
  readonly quota?: { limit: number; interval: number; timeUnit: 'minute' | 'hour' | 'day' | 'month' };
  /** SpikeArrest rate for apps on this product (`100ps`, `30pm`), read by the proxy from a product attribute. */
  readonly rate?: string;
}

/** One developer app per consumer and stage, on that stage's product of the consumer's plan. */
export interface ApigeeApp {
  readonly consumer: string;
  readonly stage: string;
  readonly name: string;
  readonly product: string;
  readonly description?: string;
}

export interface ApigeeDeveloper {
  readonly consumer: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly userName: string;
}

export interface ApigeeTargetServer {
  /** TargetServer name (the same in every environment). */
  readonly name: string;
  /** Per stage: host (a function binding's host is a deploy-time reference), port, TLS. */
  readonly byStage: Record<string, { host: string | DeployRef; port: number; ssl: boolean }>;
}

export interface ApigeePlan {
  readonly proxyName: string;
  readonly basePath: string;
  readonly environmentType: ApigeeEnvironmentType;
  /** Stage -> Apigee environment, for every stage deployed. */
  readonly environments: Record<string, string>;
  /** Bundle files, path (under apiproxy/) -> content, in sorted order. */
  readonly files: Record<string, string>;
  readonly products: ApigeeProduct[];
  readonly developers: ApigeeDeveloper[];
  readonly apps: ApigeeApp[];
  readonly targetServers: ApigeeTargetServer[];
  /** Function bindings: their hosts (target servers) and ID-token audiences (key-value map) are supplied at deploy time. */
  readonly bindings: string[];
  /**
   * Every resource to create, sorted by name. Names are relative (`proxy`, `deploy-dev`): the
   * binder prefixes them with its component name. Deploy-time values are DeployRefs: args
   * `orgId`, `configBundle` (the zip path), `serviceAccount`, `environment/<env>` (the environment
   * id); binding properties `host` and `audience`; resource outputs.
   */
  readonly resources: PlannedResource[];
  /**
   * Roles the deployment's service account needs for what the proxy calls as it (Model Armor:
   * roles/modelarmor.user; Vertex AI: roles/aiplatform.user); the deployment then carries it.
   * @default - none
   */
  readonly serviceAccountRoles?: string[];
  /** The Cloud Logging log the access log goes to (the deployment needs a service account that may write it). @default - no access log */
  readonly accessLogName?: string;
  /** Alert policies of observability.objectives, per stage (providers/apigee/observability.ts). @default - none */
  readonly alerts?: ApigeeAlert[];
  /** Environment groups with the custom host names, per stage (providers/apigee/domains.ts). @default - none */
  readonly domains?: ApigeeDomainPlan[];
  /**
   * The MCP Discovery Proxy of each stage, when routes are MCP tools (providers/apigee/mcp.ts):
   * bundles of their own, deployed beside the proxy (arg `mcpConfigBundle/<stage>` is the zip).
   * @default - none
   */
  readonly mcpProxies?: ApigeeMcpProxy[];
  readonly warnings: string[];
}
