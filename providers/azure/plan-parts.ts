/** The plan's service-level parts: backends, products, subscriptions and named values, per stage. */
import type { GatewaySpec, HttpBackendSpec } from '../../lib/model/types';
import { bindingRef, secretRef } from '../shared/resources';
import { contentSafetyBackend, llmBackend } from './emit/llm';
import type { EmitContext } from './emit/context';
import { planRateLimit, quotaPolicy } from './emit/limits';
import type { ApimBackend, ApimNamedValue, ApimProduct, ApimSubscription } from './plan';
import { policyDocument, type XNode } from './xml';
import { holdsApiKey } from '../../lib/model/client-certificates';

/**
 * A function backend is called with its function key (header x-functions-key, from a secret named
 * value), so the function app can require it (authLevel function) and callers cannot skip the
 * gateway. https://learn.microsoft.com/azure/azure-functions/function-keys-how-to
 */
function functionBackend(name: string, binding: string, ctx: EmitContext): ApimBackend {
  ctx.strings.plainName(binding, 'gateway', 'backend.function', `backend ${name}: binding`);
  const key = ctx.names.functionKey(binding);
  ctx.namedValues.set(key, { kind: 'binding', binding, property: 'key' });
  return { id: ctx.names.backend(name), key: name, type: 'Single', url: bindingRef(binding, 'url'), credentialHeaders: { 'x-functions-key': `{{${key}}}` } };
}

export function planBackends(spec: GatewaySpec, ctx: EmitContext): ApimBackend[] {
  const out: ApimBackend[] = [];
  const st = spec.stages[ctx.stage];
  for (const name of [...new Set(spec.routes.map((r) => r.backend))].sort()) {
    const b = spec.backends[name];
    if (b.type === 'mock') continue;
    if (b.type === 'llm') {
      out.push(llmBackend(name, b, ctx));
      continue;
    }
    if (b.type === 'function') {
      out.push(functionBackend(name, b.binding, ctx));
      continue;
    }
    const hb = b as HttpBackendSpec;
    const cb = hb.circuitBreaker && { failures: hb.circuitBreaker.failures, intervalSeconds: hb.circuitBreaker.intervalSeconds, tripSeconds: hb.circuitBreaker.tripSeconds };
    const override = st.backends[name]?.url;
    if (hb.targets && !override) {
      hb.targets.forEach((t, i) => out.push({ id: ctx.names.backend(`${name}-${i + 1}`), key: `${name}-${i + 1}`, type: 'Single', url: t.url, ...(cb ? { circuitBreaker: cb } : {}) }));
      out.push({ id: ctx.names.backend(name), key: name, type: 'Pool', pool: hb.targets.map((t, i) => ({ key: `${name}-${i + 1}`, weight: t.weight })) });
    } else out.push({ id: ctx.names.backend(name), key: name, type: 'Single', url: override ?? hb.url!, ...(cb ? { circuitBreaker: cb } : {}) });
  }
  const safety = contentSafetyBackend(ctx);
  if (safety) out.push(safety);
  return out;
}

export function planProducts(spec: GatewaySpec, ctx: EmitContext): ApimProduct[] {
  // A plan only certificate consumers are on is metered in the API policy (emit/mtls.ts): it needs no product and subscription key.
  const onlyCertificates = (plan: string) => {
    const on = Object.values(spec.consumers).filter((c) => c.plan === plan);
    return on.length > 0 && !on.some(holdsApiKey);
  };
  return Object.entries(spec.plans).filter(([name]) => !onlyCertificates(name)).map(([name, p]) => {
    const inbound = [p.rateLimit && planRateLimit(p.rateLimit), p.quota && quotaPolicy(p.quota)].filter((x): x is XNode => Boolean(x));
    return {
      id: ctx.names.product(name),
      key: `${spec.name}-${name}`,
      displayName: `${spec.name} ${name} (${ctx.stage})`,
      ...(p.description ? { description: p.description } : {}),
      ...(inbound.length ? { policy: policyDocument({ inbound, outbound: [] }) } : {}),
    };
  });
}

export function planSubscriptions(spec: GatewaySpec, ctx: EmitContext): ApimSubscription[] {
  // Key references other than env:NAME are refused by the consumer.apiKey capability check.
  // Certificate consumers hold no key: their plan is metered in the API policy (emit/mtls.ts).
  return Object.entries(spec.consumers).filter(([, c]) => holdsApiKey(c)).map(([name, c]) => {
    return { id: ctx.names.subscription(name), key: `${spec.name}-${name}`, product: `${spec.name}-${c.plan}`, displayName: c.description ?? name, ...(c.apiKey ? { secretRef: c.apiKey.secretRef } : {}) };
  });
}

/** Stage variables (inlined in policies; also readable in the portal) and the function URLs and keys. */
export function planNamedValues(spec: GatewaySpec, ctx: EmitContext): ApimNamedValue[] {
  const all = new Map<string, ApimNamedValue>();
  for (const [k, v] of Object.entries(spec.stages[ctx.stage].variables)) all.set(ctx.names.stageVariable(k), { id: ctx.names.stageVariable(k), value: v, secret: false });
  for (const [id, src] of ctx.namedValues) {
    all.set(id, src.kind === 'literal' ? { id, value: src.value, secret: false } : src.kind === 'secret' ? { id, value: secretRef(src.secretRef), secret: true } : { id, value: bindingRef(src.binding, src.property), secret: src.property === 'key' });
  }
  return [...all.keys()].sort().map((id) => all.get(id)!);
}
