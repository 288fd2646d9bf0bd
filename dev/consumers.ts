/**
 * API keys of the spec's consumers for the dev gateway: from the environment variable a
 * consumer's `secretRef: env:NAME` names, else from `ANYGATE_DEV_KEY_<CONSUMER>`, else a key
 * derived from the local seed (local-state.ts), printed at start.
 */
import type { GatewaySpec } from '../lib/model/types';
import { devApiKey } from './local-state';
import { keyConsumers } from '../lib/model/client-certificates';

export interface ConsumerKey {
  readonly consumer: string;
  readonly plan: string;
  readonly key: string;
  /** Where the key came from, for the start banner. */
  readonly source: string;
}

export function envName(consumer: string): string {
  return `ANYGATE_DEV_KEY_${consumer.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function consumerKeys(spec: GatewaySpec, env: Record<string, string | undefined> = process.env): ConsumerKey[] {
  // Consumers identified by a client certificate hold no key (lib/model/client-certificates.ts).
  return keyConsumers(spec)
    .map((consumer) => {
      const c = spec.consumers[consumer];
      const ref = c.apiKey?.secretRef;
      if (ref?.startsWith('env:') && env[ref.slice(4)]) return { consumer, plan: c.plan, key: env[ref.slice(4)]!, source: ref };
      const own = env[envName(consumer)];
      if (own) return { consumer, plan: c.plan, key: own, source: `env:${envName(consumer)}` };
      return { consumer, plan: c.plan, key: devApiKey(spec.name, consumer), source: 'generated' };
    });
}
