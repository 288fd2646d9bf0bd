/**
 * HTTP backend URLs Envoy Gateway cannot reach as the spec means them. An https backend is
 * verified by a BackendTLSPolicy whose `validation.hostname` is both the SNI and the name the
 * certificate must carry; Gateway API's PreciseHostname type forbids numeric IP addresses there
 * ("numeric IP addresses are not allowed"), its `subjectAltNames` take only Hostname or URI
 * entries, and an Envoy Gateway Backend's own `tls` (without a BackendTLSPolicy) checks the chain
 * but no name at all: any certificate a public CA issued would pass. So an https backend given as
 * an IP address cannot be verified on this target, and synthesis refuses it with the remedy.
 */
import { isIP } from 'node:net';
import type { SynthesisProblem } from '../../model/errors';
import type { GatewaySpec } from '../../model/types';
import type { CheckContext } from '../types';
import { usedRoutes } from './helpers';

/** The IP address an https URL names as its host, if it does. */
export function httpsAddress(url: string): string | undefined {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return u.protocol === 'https:' && isIP(host) ? host : undefined;
}

const message = (what: string, url: string, host: string) =>
  `${what}: https to the IP address ${host} (${url}) cannot be verified on Envoy Gateway: BackendTLSPolicy validation.hostname, which is both the SNI and the name the certificate must carry, cannot be an IP address (Gateway API PreciseHostname), its subjectAltNames take no IP entries, and a Backend's own tls checks no name; give the backend URL a DNS name its certificate carries (e.g. https://api.internal.example.com)`;

/** The base URLs of the backends the feature's routes use (when some stage does not replace them), each backend once. */
export function httpsAddressBackends(ctx: CheckContext): SynthesisProblem[] {
  const { spec } = ctx;
  const seen = new Set<string>();
  const out: SynthesisProblem[] = [];
  for (const r of usedRoutes(ctx)) {
    const b = spec.backends[r.backend];
    if (b.type !== 'http' || seen.has(r.backend)) continue;
    seen.add(r.backend);
    if (!Object.values(spec.stages).some((st) => !st.backends[r.backend]?.url)) continue;
    for (const url of b.targets ? b.targets.map((t) => t.url) : b.url ? [b.url] : []) {
      const host = httpsAddress(url);
      if (host) out.push(ctx.problem(r.id, message(`backend ${r.backend}`, url, host)));
    }
  }
  return out;
}

/** The per-stage backend URLs. */
export function httpsAddressStages(ctx: CheckContext): SynthesisProblem[] {
  return stageUrls(ctx.spec).flatMap(({ stage, backend, url }) => {
    const host = httpsAddress(url);
    return host ? [ctx.problem('gateway', message(`stage ${stage}, backend ${backend}`, url, host))] : [];
  });
}

function stageUrls(spec: GatewaySpec): { stage: string; backend: string; url: string }[] {
  return Object.entries(spec.stages).flatMap(([stage, st]) => Object.entries(st.backends).flatMap(([backend, o]) => (o?.url ? [{ stage, backend, url: o.url }] : [])));
}
