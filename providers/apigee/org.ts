/**
 * Products, developers and apps. Stages are isolated: one product per plan and stage, listing only
 * that stage's environment, and one app per consumer and stage, so a dev key is refused on prod and
 * each stage counts its own quota.
 */
import type { ApigeeContext } from './context';
import type { ApigeeApp, ApigeeDeveloper, ApigeeProduct } from './plan';
import { spikeRate } from './policies';
import { quotaWindow } from './quota';

/** Developer identity per consumer. @default - `<consumer>@<gateway>.anygate.invalid` */
export type DeveloperInfo = Record<string, { readonly email: string; readonly firstName: string; readonly lastName: string }>;

export function products(ctx: ApigeeContext): ApigeeProduct[] {
  const out: ApigeeProduct[] = [];
  for (const [plan, p] of Object.entries(ctx.spec.plans)) {
    for (const stage of ctx.stages) {
      out.push({
        name: `${ctx.proxy}-${plan}-${stage}`,
        displayName: `${ctx.proxy} ${plan} (${stage})`,
        ...(p.description ? { description: p.description } : {}),
        plan,
        stage,
        environment: ctx.environments[stage],
        ...(p.quota ? { quota: { limit: p.quota.limit, ...quotaWindow(p.quota.period) } } : {}),
        ...(p.rateLimit ? { rate: spikeRate(p.rateLimit.requestsPerSecond) } : {}),
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function developers(ctx: ApigeeContext, info: DeveloperInfo = {}): ApigeeDeveloper[] {
  return Object.keys(ctx.spec.consumers).map((consumer) => {
    const who = info[consumer] ?? { email: `${consumer}@${ctx.proxy}.anygate.invalid`, firstName: consumer, lastName: ctx.proxy };
    return { consumer, ...who, userName: `${ctx.proxy}-${consumer}` };
  });
}

export function apps(ctx: ApigeeContext): ApigeeApp[] {
  const out: ApigeeApp[] = [];
  for (const [consumer, c] of Object.entries(ctx.spec.consumers)) {
    for (const stage of ctx.stages) {
      out.push({ consumer, stage, name: `${ctx.proxy}-${consumer}-${stage}`, product: `${ctx.proxy}-${c.plan}-${stage}`, ...(c.description ? { description: c.description } : {}) });
    }
  }
  return out;
}
