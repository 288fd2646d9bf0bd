/**
 * Target endpoints: one per backend and timeout (plus a rewriting variant), reached by a URL or a
 * LoadBalancer of target servers (weighted targets, per-stage hosts, circuit breakers, function
 * bindings). Every target passes backend 4xx/5xx through to the response flow (success.codes),
 * and function backends call Cloud Run / Cloud Functions with a Google ID token.
 */
import type { HttpBackendSpec, RouteSpec } from '../../lib/model/types';
import { bindingRef } from '../shared/resources';
import { el, toXml, type XNode } from '../shared/xml';
import { url as checkUrl } from './conditions';
import type { ApigeeContext } from './context';
import type { ApigeeTargetServer } from './plan';
import * as P from './policies';
import { llmTarget } from './emit/llm';

export interface TargetRef {
  readonly name: string;
  readonly backend: string;
  readonly timeoutMs: number;
  readonly rewrite: boolean;
}

/** Every status is a success: backend errors reach the client with response transforms applied, not DefaultFaultRule's body. */
const SUCCESS_CODES = '1xx,2xx,3xx,4xx,5xx';
/** Responses that count as a failure of a target server for the circuit breaker. */
const UNHEALTHY = ['500', '502', '503', '504'];

/** The private variable the function binding's ID-token audience is read into. */
export const audienceVariable = (binding: string): string => `private.anygate.audience.${binding}`;

/** A target server on a function binding's host in every stage; returns its name. */
export function functionServer(ctx: ApigeeContext, suffix: string, binding: string): string {
  ctx.bindings.add(binding);
  const name = `${ctx.proxy}-${suffix}`;
  ctx.targetServers.set(name, { name, byStage: Object.fromEntries(ctx.stages.map((s) => [s, { host: bindingRef(binding, 'host'), port: 443, ssl: true }])) });
  return name;
}

function urlParts(url: string): { host: string; port: number; ssl: boolean; path: string } {
  const u = new URL(url);
  const ssl = u.protocol === 'https:';
  return { host: u.hostname, port: u.port ? Number(u.port) : ssl ? 443 : 80, ssl, path: u.pathname.replace(/\/+$/, '') };
}

export class Targets {
  private readonly targets = new Map<string, TargetRef>();
  /** The timeout most of a backend's routes use keeps the plain target name. */
  private readonly usual = new Map<string, number>();

  constructor(private readonly ctx: ApigeeContext) {
    const counts = new Map<string, Map<number, number>>();
    for (const r of ctx.spec.routes) {
      if (ctx.spec.backends[r.backend].type === 'mock') continue;
      const c = counts.get(r.backend) ?? new Map<number, number>();
      c.set(r.timeoutMs, (c.get(r.timeoutMs) ?? 0) + 1);
      counts.set(r.backend, c);
    }
    for (const [b, c] of counts) this.usual.set(b, [...c.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0][0]);
  }

  of(r: RouteSpec): TargetRef {
    const rewrite = Boolean(r.transform?.request?.rewritePath);
    const name = `${r.backend}${this.usual.get(r.backend) === r.timeoutMs ? '' : `-${r.timeoutMs}ms`}${rewrite ? '-rewrite' : ''}`;
    const t = this.targets.get(name) ?? { name, backend: r.backend, timeoutMs: r.timeoutMs, rewrite };
    this.targets.set(name, t);
    return t;
  }

  names(): string[] {
    return [...this.targets.keys()].sort();
  }

  /** Target servers of a backend, or undefined when a plain URL will do. */
  private servers(backend: string): { servers: { name: string; weight?: number }[]; path: string } | undefined {
    const ctx = this.ctx;
    const b = ctx.spec.backends[backend];
    if (b.type === 'function') return { servers: [{ name: functionServer(ctx, backend, b.binding) }], path: '' };
    if (b.type !== 'http') return undefined;
    const hb = b as HttpBackendSpec;
    if (hb.targets) {
      const parts = hb.targets.map((t) => urlParts(t.url));
      const servers = hb.targets.map((t, i) => {
        const name = `${ctx.proxy}-${backend}-${i + 1}`;
        const { host, port, ssl } = parts[i];
        ctx.targetServers.set(name, { name, byStage: Object.fromEntries(ctx.stages.map((s) => [s, { host, port, ssl }])) });
        return { name, weight: t.weight };
      });
      return { servers, path: parts[0].path };
    }
    const stages = ctx.stages;
    // A circuit breaker lives on a LoadBalancer (MaxFailures), so it needs a target server too.
    if (!stages.some((s) => ctx.spec.stages[s].backends[backend]) && !hb.circuitBreaker) return undefined;
    const base = urlParts(hb.url!);
    const name = `${ctx.proxy}-${backend}`;
    const byStage: Record<string, ApigeeTargetServer['byStage'][string]> = {};
    for (const s of stages) {
      // One base path for every stage: lib/capabilities/targets/apigee.ts refuses others.
      const p = urlParts(ctx.spec.stages[s].backends[backend]?.url ?? hb.url!);
      byStage[s] = { host: p.host, port: p.port, ssl: p.ssl };
    }
    ctx.targetServers.set(name, { name, byStage });
    return { servers: [{ name }], path: base.path };
  }

  private connection(t: TargetRef, props: XNode): { connection: XNode[]; pre: XNode[] } {
    const ctx = this.ctx;
    const b = ctx.spec.backends[t.backend];
    const lb = this.servers(t.backend);
    const pre: XNode[] = [];
    if (b.type === 'function') pre.push(ctx.step(ctx.add(P.keyValueMapGet(`KVM-audience-${b.binding}`, ctx.audienceMap, b.binding, audienceVariable(b.binding)))));
    const auth = b.type === 'function' ? P.googleIdToken(audienceVariable(b.binding)) : undefined;
    if (lb) {
      const cb = b.type === 'http' ? (b as HttpBackendSpec).circuitBreaker : undefined;
      if (t.rewrite) pre.push(ctx.step(ctx.add(P.javascript('JS-no-suffix', { mode: 'no-suffix' }))));
      const balancer = el(
        'LoadBalancer',
        {},
        el('Algorithm', {}, 'Weighted'),
        ...lb.servers.map((s) => el('Server', { name: s.name }, el('Weight', {}, String(s.weight ?? 1)))),
        cb && el('MaxFailures', {}, String(cb.failures)),
        cb && el('ServerUnhealthyResponse', {}, ...UNHEALTHY.map((c) => el('ResponseCode', {}, c))),
        cb && el('RetryEnabled', {}, 'true'),
      );
      return { connection: [auth, balancer, el('Path', {}, t.rewrite ? `${lb.path}{anygate.backend.path}` : lb.path || '/'), props].filter((x): x is XNode => Boolean(x)), pre };
    }
    const model = b.type === 'llm' ? llmTarget(b) : undefined;
    const url = checkUrl(model ? model.url : (b as HttpBackendSpec).url!, `backends.${t.backend}.url`);
    if (t.rewrite) pre.push(ctx.step(ctx.add(P.javascript('JS-apply-rewrite', { mode: 'apply-rewrite' }))));
    const ssl = url.startsWith('https:') && el('SSLInfo', {}, el('Enabled', {}, 'true'), el('Enforce', {}, 'true'), el('IgnoreValidationErrors', {}, 'false'));
    return { connection: [model?.auth, el('URL', {}, url), ssl, props].filter((x): x is XNode => Boolean(x)), pre };
  }

  /** The target endpoint files, `targets/<name>.xml`. */
  files(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.names()) {
      const t = this.targets.get(name)!;
      const props = el(
        'Properties',
        {},
        el('Property', { name: 'io.timeout.millis' }, String(t.timeoutMs)),
        el('Property', { name: 'connect.timeout.millis' }, String(Math.min(t.timeoutMs, 10_000))),
        el('Property', { name: 'success.codes' }, SUCCESS_CODES),
      );
      const { connection, pre } = this.connection(t, props);
      out[`targets/${name}.xml`] = toXml(
        el(
          'TargetEndpoint',
          { name },
          el('Description', {}, `backend ${t.backend}`),
          el('FaultRules'),
          el('PreFlow', { name: 'PreFlow' }, el('Request', {}, ...pre), el('Response')),
          el('Flows'),
          el('PostFlow', { name: 'PostFlow' }, el('Request'), el('Response')),
          el('HTTPTargetConnection', {}, ...connection),
        ),
        { declaration: true },
      );
    }
    return out;
  }
}
