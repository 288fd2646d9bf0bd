/** ApigeePlan: the proxy bundle as files plus the org resources, computed by the pure compiler. */
import type { ApigeeEnvironmentType } from '../../lib/capabilities/table';

export interface ApigeeProduct {
  readonly name: string;
  readonly displayName: string;
  readonly description?: string;
  readonly quota?: { limit: number; interval: number; timeUnit: 'minute' | 'hour' | 'day' | 'month' };
  /** SpikeArrest rate for apps on this product (`100ps`, `30pm`), read by the proxy from a product attribute. */
  readonly rate?: string;
}

export interface ApigeeTargetServer {
  /** TargetServer name (the same in every environment). */
  readonly name: string;
  /** Per stage: host, port, TLS. `binding:<name>` hosts resolve at deploy time. */
  readonly byStage: Record<string, { host: string; port: number; ssl: boolean }>;
}

export interface ApigeePlan {
  readonly proxyName: string;
  readonly basePath: string;
  readonly environmentType: ApigeeEnvironmentType;
  /** Bundle files, path (under apiproxy/) -> content, in sorted order. */
  readonly files: Record<string, string>;
  readonly products: ApigeeProduct[];
  /** Developers and apps: one app per consumer, on its plan's product. */
  readonly apps: { consumer: string; product: string; description?: string }[];
  readonly targetServers: ApigeeTargetServer[];
  /** Function bindings the target servers need. */
  readonly bindings: string[];
  readonly warnings: string[];
}
