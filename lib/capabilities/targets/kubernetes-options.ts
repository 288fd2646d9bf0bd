/**
 * The spec's `kubernetes:` block, resolved and checked: defaults, and the rules the Gateway API
 * enforces across fields (CEL rules of the Gateway CRD, v1.6.1 standard channel), so a wrong
 * block is a located error at synthesis instead of a Gateway the cluster rejects or a route that
 * never attaches. The compiler and the capability record share these functions.
 */
import type { GatewaySpec, KubernetesSpecOptions } from '../../model/types';
import type { SupportOptions } from '../types';
import { unknownStageMessage } from '../../model/stages';

/** Envoy Gateway's GatewayClass controller (https://gateway.envoyproxy.io/docs/tasks/quickstart/). */
export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
/** The Gateway Envoy Gateway's quickstart installs. */
export const DEFAULT_GATEWAY = { name: 'eg', namespace: 'envoy-gateway-system' } as const;

export interface ResolvedListener {
  readonly name: string;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly hostname?: string;
  readonly certificateRefs: readonly { readonly name: string; readonly namespace?: string }[];
}

export interface ResolvedCreateGateway {
  readonly className: string;
  readonly controllerName: string;
  readonly listeners: readonly ResolvedListener[];
}

const DEFAULT_PORT = { HTTP: 80, HTTPS: 443 } as const;

type Listener = NonNullable<NonNullable<KubernetesSpecOptions['createGateway']>['listeners']>[number];

/** A listener with its defaults: protocol HTTP, the protocol's port, name `http`/`https` on that port, else `<protocol>-<port>`. */
export function resolveListener(l: Listener): ResolvedListener {
  const protocol = l.protocol ?? 'HTTP';
  const port = l.port ?? DEFAULT_PORT[protocol];
  const name = l.name ?? (port === DEFAULT_PORT[protocol] ? protocol.toLowerCase() : `${protocol.toLowerCase()}-${port}`);
  return { name, port, protocol, ...(l.hostname ? { hostname: l.hostname } : {}), certificateRefs: l.certificateRefs ?? [] };
}

/** `createGateway` with its defaults; the class is named after the Gateway unless given. */
export function resolveCreateGateway(c: NonNullable<KubernetesSpecOptions['createGateway']>, gatewayName: string): ResolvedCreateGateway {
  return {
    className: c.className ?? gatewayName,
    controllerName: c.controllerName ?? ENVOY_GATEWAY_CONTROLLER,
    listeners: (c.listeners ?? [{}]).map(resolveListener),
  };
}

/** True when a route host name `host` is one the listener host name `listener` accepts (Gateway API hostname intersection). */
export function hostAccepted(listener: string | undefined, host: string): boolean {
  if (!listener || listener === host) return true;
  const suffix = (h: string) => h.slice(1); // '*.example.com' -> '.example.com'
  if (listener.startsWith('*.')) return host.startsWith('*.') ? host.endsWith(suffix(listener)) || listener.endsWith(suffix(host)) : host.endsWith(suffix(listener));
  return host.startsWith('*.') && listener.endsWith(suffix(host));
}

export interface OptionProblem {
  /** Spec path under `kubernetes`, e.g. `createGateway.listeners[1]`. */
  readonly path: string;
  readonly message: string;
}

function listenerProblems(listeners: readonly ResolvedListener[]): OptionProblem[] {
  const out: OptionProblem[] = [];
  listeners.forEach((l, i) => {
    const path = `createGateway.listeners[${i}]`;
    if (l.protocol === 'HTTPS' && !l.certificateRefs.length) out.push({ path, message: 'an HTTPS listener terminates TLS: give certificateRefs (TLS Secrets)' });
    if (l.protocol === 'HTTP' && l.certificateRefs.length) out.push({ path, message: 'an HTTP listener takes no certificateRefs: use protocol HTTPS' });
    if (listeners.findIndex((m) => m.name === l.name) !== i) out.push({ path, message: `listener name ${JSON.stringify(l.name)} repeats: name each listener` });
    else if (listeners.findIndex((m) => m.port === l.port && m.protocol === l.protocol && m.hostname === l.hostname) !== i) {
      out.push({ path, message: `another listener has the same port, protocol and hostname (${l.port}, ${l.protocol}, ${l.hostname ?? 'any host'})` });
    }
  });
  return out;
}

function functionProblems(o: KubernetesSpecOptions, stages: readonly string[], bindings: readonly string[]): OptionProblem[] {
  const out: OptionProblem[] = [];
  for (const [s, byBinding] of Object.entries(o.functions ?? {})) {
    if (!stages.includes(s)) out.push({ path: `functions.${s}`, message: unknownStageMessage(s, stages) });
    for (const b of Object.keys(byBinding)) {
      if (!bindings.includes(b)) out.push({ path: `functions.${s}.${b}`, message: `the spec binds no function ${JSON.stringify(b)}; bindings: ${bindings.join(', ') || '(none)'}` });
    }
  }
  return out;
}

/** The function bindings of a spec: function backends and custom authorizers. */
export function functionBindings(spec: GatewaySpec): string[] {
  const all = [...Object.values(spec.backends), ...Object.values(spec.authorizers)].flatMap((b) => (b.type === 'function' || b.type === 'custom' ? [b.binding] : []));
  return [...new Set(all)].sort();
}

/** Everything wrong with `o` for a spec whose stages are `stages`, in spec order. */
export function kubernetesOptionProblems(o: KubernetesSpecOptions, stages: readonly string[], bindings: readonly string[] = []): OptionProblem[] {
  const out: OptionProblem[] = [];
  for (const s of Object.keys(o.namespaces ?? {})) {
    if (!stages.includes(s)) out.push({ path: `namespaces.${s}`, message: unknownStageMessage(s, stages) });
  }
  out.push(...functionProblems(o, stages, bindings));
  const used = Object.entries(o.namespaces ?? {}).filter(([s]) => stages.includes(s));
  for (const [s, ns] of used) {
    const other = used.find(([t, n]) => n === ns && t < s);
    if (other) out.push({ path: `namespaces.${s}`, message: `namespace ${ns} is also stage ${other[0]}'s; objects of two stages would overwrite each other` });
  }
  if (!o.createGateway) return out;
  const create = resolveCreateGateway(o.createGateway, o.gateway?.name ?? DEFAULT_GATEWAY.name);
  out.push(...listenerProblems(create.listeners));
  const section = o.gateway?.sectionName;
  const reachable = section ? create.listeners.filter((l) => l.name === section) : create.listeners;
  if (section && !reachable.length) out.push({ path: 'gateway.sectionName', message: `no listener of createGateway is named ${JSON.stringify(section)}; listeners: ${create.listeners.map((l) => l.name).join(', ')}` });
  for (const h of o.hostnames ?? []) {
    if (reachable.length && !reachable.some((l) => hostAccepted(l.hostname, h))) out.push({ path: 'hostnames', message: `no listener accepts host ${h}: the routes would not attach` });
  }
  return out;
}

/**
 * The spec's `kubernetes:` block as the compile options amend it (gateway, hostnames and
 * createGateway as a whole, namespaces stage by stage). The options' functions are a program's own
 * table (one may serve several specs): only the spec's are checked.
 */
export function amendedKubernetesOptions(spec: GatewaySpec, options: SupportOptions['kubernetes'] = {}): KubernetesSpecOptions {
  const k = spec.kubernetes ?? {};
  return {
    gateway: options.gateway ?? k.gateway,
    hostnames: options.hostnames ? [...options.hostnames] : k.hostnames,
    namespaces: { ...k.namespaces, ...options.namespaces },
    functions: k.functions,
    createGateway: options.createGateway ?? k.createGateway,
  };
}
