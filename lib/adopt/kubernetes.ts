/**
 * The Kubernetes reader: Gateway API manifests (HTTPRoute; GRPCRoute and TCP/TLS/UDP routes are
 * refused by record) with Envoy Gateway's SecurityPolicy, BackendTrafficPolicy,
 * ClientTrafficPolicy, HTTPRouteFilter and Backend. Every HTTPRoute rule match becomes a route;
 * policies attach by targetRef(s). Parents and Services the manifests do not hold are referred to
 * by name (they are usually defined elsewhere).
 */
import { AnygateError } from '../model/errors';
import { arr, obj, parseData, str } from './data';
import { PLACEHOLDER_ISSUER, PLACEHOLDER_URL, SpecDraft } from './draft';
import { FindingLog, pointer } from './findings';
import { templatesOf } from './kubernetes-paths';
import type { AdoptOptions, AdoptResult } from './result';
import type { SourceTree } from './source';

/** The consumer header anygate's Kubernetes target forwards on API-key rules and removes on every other (providers/kubernetes/security.ts API_KEY_CLIENT_HEADER). */
const ANYGATE_CONSUMER_HEADER = 'x-anygate-consumer';

type Json = Record<string, unknown>;

interface Manifest {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly body: Json;
  readonly file: string;
  /** JSON pointer prefix: the document index in a multi-document file. */
  readonly at: string;
}

const UNIT_SECONDS: Record<string, number> = { Second: 1, Minute: 60, Hour: 3600, Day: 86400 };

function secondsOf(d: unknown): number | undefined {
  const m = typeof d === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d) : null;
  if (!m) return undefined;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Route indexes a policy targets (by HTTPRoute name and optional rule sectionName), or the whole gateway. */
function targetsOf(m: Manifest, routesOf: Map<string, { rule?: string; index: number }[]>): { indexes: number[]; gateway: boolean; missing: string[] } {
  const spec = obj(m.body.spec) ?? {};
  const refs = [...arr(spec.targetRefs), ...(spec.targetRef ? [spec.targetRef] : [])].map((r) => obj(r) ?? {});
  const indexes: number[] = [];
  const missing: string[] = [];
  let gateway = false;
  for (const r of refs) {
    if (r.kind === 'Gateway') gateway = true;
    else if (r.kind === 'HTTPRoute') {
      const list = routesOf.get(`${str(r.name)}`) ?? [];
      const section = str(r.sectionName);
      const hit = list.filter((x) => !section || x.rule === section).map((x) => x.index);
      if (!hit.length) missing.push(`${r.kind}/${str(r.name)}${section ? `#${section}` : ''}`);
      indexes.push(...hit);
    } else missing.push(`${str(r.kind)}/${str(r.name)}`);
  }
  return { indexes: [...new Set(indexes)], gateway, missing };
}

/**
 * The rewritePath of one route a match became: a prefix rewrite replaces the matched prefix and
 * keeps the rest (the greedy tail); anygate's regex rewrite names the route's parameters by group
 * number. Undefined when the route is not rewritten (or the rewrite is the route's own path).
 */
function rewriteFor(path: string, matchType: string | undefined, matchValue: string | undefined, prefix: string | undefined, regex: string | undefined): string | undefined {
  if (prefix !== undefined && matchType === 'PathPrefix') {
    const tail = /\/(\{[^}]+\+\})$/.exec(path);
    const base = prefix.replace(/\/+$/, '');
    return tail ? `${base}/${tail[1]}` : base || '/';
  }
  if (regex === undefined) return undefined;
  const params = [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
  let ok = true;
  const out = regex.replace(/\\(\d+)|\\\\/g, (m, n: string | undefined) => {
    if (n === undefined) return '\\';
    const name = params[Number(n) - 1];
    if (!name) ok = false;
    return name ? `{${name}}` : '';
  });
  return ok && out !== path ? out : undefined;
}

/** Imports the routes and policies of a set of Gateway API / Envoy Gateway manifests. */
export function readKubernetes(tree: SourceTree, options: AdoptOptions = {}): AdoptResult {
  const log = new FindingLog();
  const manifests: Manifest[] = [];
  for (const [file, text] of tree.files) {
    if (!/\.(ya?ml|json)$/i.test(file)) {
      log.lost(file, '', 'file', 'not a YAML or JSON manifest: not read');
      continue;
    }
    const p = parseData(text, file);
    if (!p.ok) {
      log.lost(file, '', 'file', `${p.error}; fix the file and import again`);
      continue;
    }
    p.docs.forEach((d, i) => {
      const o = obj(d);
      const kind = str(o?.kind);
      if (!o || !kind) {
        if (!(o && (o.keys || o.kty))) log.lost(file, pointer([i]), 'document', 'not a Kubernetes object (no kind)');
        else log.lost(file, '', 'JWKS document', 'a key set is not configuration: a jwt authorizer points at its URL');
        return;
      }
      const items = kind === 'List' ? arr(o.items).map((x, j) => ({ o: obj(x) ?? {}, at: `${p.docs.length > 1 ? pointer([i]) : ''}/items/${j}` })) : [{ o, at: p.docs.length > 1 ? pointer([i]) : '' }];
      for (const it of items) manifests.push({ kind: String(it.o.kind), name: String(obj(it.o.metadata)?.name ?? ''), namespace: str(obj(it.o.metadata)?.namespace), body: it.o, file, at: it.at });
    });
  }
  const httpRoutes = manifests.filter((m) => m.kind === 'HTTPRoute');
  if (!httpRoutes.length) throw new AnygateError(`${tree.root}: no HTTPRoute found; export them with \`kubectl get httproutes,securitypolicies,backendtrafficpolicies,backends,httproutefilters -n NAMESPACE -o yaml\``);
  // anygate's own output: namespace `<name>-<stage>`, every object named `<name>-...`.
  const ns = httpRoutes[0].namespace ?? '';
  const parts = ns.split('-');
  let ownName: string | undefined;
  let ownStage: string | undefined;
  // anygate's output in a namespace the spec chose (kubernetes.namespaces): every object is `<ns>-...`.
  if (ns && httpRoutes.every((r) => r.name.startsWith(`${ns}-`) && r.namespace === ns)) ownName = ns;
  for (let i = parts.length - 1; i >= 1 && !ownName; i--) {
    const prefix = parts.slice(0, i).join('-');
    if (httpRoutes.every((r) => r.name.startsWith(`${prefix}-`) && r.namespace === ns)) {
      ownName = prefix;
      ownStage = parts.slice(i).join('-');
      break;
    }
  }
  // Nothing else in foreign manifests names the API: the routes' namespace does (--name sets another).
  const draft = new SpecDraft(options.name ?? ownName ?? (ns || httpRoutes[0].name), log);
  if (ownStage) draft.stages[ownStage] = {};
  const stage = ownStage ?? 'prod';
  for (const r of httpRoutes) {
    if ((r.namespace ?? '') !== ns) log.lost(r.file, `${r.at}/metadata/namespace`, 'namespace', `HTTPRoute ${r.name} is in namespace ${JSON.stringify(r.namespace ?? '(none)')}, the first in ${JSON.stringify(ns || '(none)')}: a stage's routes live in one namespace (kubernetes.namespaces.${stage}), so it is re-synthesized there; import each namespace on its own to keep them apart`);
  }
  const ownPrefix = ownName ? `${ownName}-` : '';
  const strip = (n: string) => (ownPrefix && n.startsWith(ownPrefix) ? n.slice(ownPrefix.length) : n);
  const byName = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.name === name);
  // The Services and EndpointSlices read as HTTP backends (anygate's default output): not losses.
  const readBackends = new Set<(typeof manifests)[number]>();
  const hostnames = new Set<string>();
  const functions: Record<string, Json> = {};
  const routesOf = new Map<string, { rule?: string; index: number }[]>();
  const parent = obj(arr(obj(httpRoutes[0].body.spec)?.parentRefs)[0]);
  if (parent) {
    const gw: Json = {};
    if (str(parent.name)) gw.name = str(parent.name);
    const ns = str(parent.namespace) ?? httpRoutes[0].namespace;
    if (ns) gw.namespace = ns;
    if (str(parent.sectionName)) gw.sectionName = str(parent.sectionName);
    draft.kubernetes = { ...(draft.kubernetes ?? {}), gateway: gw };
    log.mapped(httpRoutes[0].file, `${httpRoutes[0].at}/spec/parentRefs/0`, 'parentRef', 'kubernetes.gateway');
  }
  for (const m of httpRoutes) {
    const spec = obj(m.body.spec) ?? {};
    const at = (...t: (string | number)[]) => `${m.at}${pointer(['spec', ...t])}`;
    for (const h of arr(spec.hostnames)) if (typeof h === 'string') hostnames.add(h);
    if (arr(spec.hostnames).length) log.mapped(m.file, at('hostnames'), 'hostnames', 'kubernetes.hostnames');
    const parents = arr(spec.parentRefs);
    // A route without parentRefs is attached to no Gateway: the location is its spec, where they would be.
    if (parents.length === 0 && m !== httpRoutes[0]) log.lost(m.file, `${m.at}/spec`, 'parentRefs', 'the route names no parent Gateway (it serves no traffic); the spec attaches every route to one Gateway (kubernetes.gateway)');
    else if (parents.length > 1 || (m !== httpRoutes[0] && JSON.stringify(obj(parents[0])?.name) !== JSON.stringify(parent?.name))) log.lost(m.file, at('parentRefs'), 'parentRefs', 'the spec attaches every route to one Gateway (kubernetes.gateway); the other parents are not carried');
    arr(spec.rules).forEach((rawRule, ri) => {
      const rule = obj(rawRule) ?? {};
      const ruleAt = at('rules', ri);
      // Backend.
      const refs = arr(rule.backendRefs).map((b) => obj(b) ?? {});
      let backend: string | undefined;
      const reasons: string[] = [];
      const resolve = (b: Json): { url?: string; service?: Json } => {
        const kind = str(b.kind) ?? 'Service';
        const name = str(b.name) ?? '';
        if (kind === 'Backend') {
          const be = byName('Backend', name);
          const ep = obj(obj(arr(obj(be?.body.spec)?.endpoints)[0])?.fqdn);
          if (be) log.mapped(be.file, be.at || '/', 'Backend', 'backends');
          if (ep && str(ep.hostname)) {
            const port = Number(ep.port ?? 443);
            if (port !== 443) reasons.push(`Backend ${name} listens on port ${port}; anygate calls backends over HTTPS`);
            return { url: `https://${str(ep.hostname)}${port === 443 || port === 80 ? '' : `:${port}`}` };
          }
          reasons.push(`Backend ${name} is not in the manifests or has no fqdn endpoint: the URL is a placeholder`);
          return { url: PLACEHOLDER_URL };
        }
        if (kind === 'Service') {
          // anygate's default HTTP backend: a selector-less Service whose EndpointSlice holds the backend's host.
          const slice = str(b.namespace) ? undefined : manifests.find((x) => x.kind === 'EndpointSlice' && obj(obj(x.body.metadata)?.labels)?.['kubernetes.io/service-name'] === name);
          const address = slice && str(arr(obj(arr(slice.body.endpoints)[0])?.addresses)[0]);
          if (slice && address) {
            log.mapped(slice.file, slice.at || '/', 'EndpointSlice', 'backends');
            readBackends.add(slice);
            const svc = byName('Service', name);
            if (svc) {
              log.mapped(svc.file, svc.at || '/', 'Service (selector-less)', 'backends');
              readBackends.add(svc);
            }
            const port = Number(obj(arr(slice.body.ports)[0])?.port ?? b.port ?? 443);
            const tls = obj(arr(slice.body.ports)[0])?.name === 'https' || port === 443 || manifests.some((x) => x.kind === 'BackendTLSPolicy' && arr(obj(x.body.spec)?.targetRefs).some((t) => obj(t)?.kind === 'Service' && obj(t)?.name === name));
            const host = slice.body.addressType === 'IPv6' ? `[${address}]` : address;
            return { url: `${tls ? 'https' : 'http'}://${host}${port === (tls ? 443 : 80) ? '' : `:${port}`}` };
          }
          // A backendRef without a namespace names a Service in the route's own namespace: kept
          // explicit where that is not the stage's namespace.
          const svcNs = str(b.namespace) ?? (m.namespace && m.namespace !== ns ? m.namespace : undefined);
          return { service: { name, ...(svcNs ? { namespace: svcNs } : {}), ...(typeof b.port === 'number' && b.port !== 80 ? { port: b.port } : {}) } };
        }
        reasons.push(`backendRef kind ${kind} is not read`);
        return { url: PLACEHOLDER_URL };
      };
      const plainServices = refs.every((b) => (str(b.kind) ?? 'Service') === 'Service' && !resolve(b).url);
      if (refs.length === 1 || (refs.length > 1 && plainServices)) {
        const heaviest = [...refs].sort((a, b) => Number(b.weight ?? 1) - Number(a.weight ?? 1))[0];
        const r = resolve(heaviest);
        if (refs.length > 1) reasons.push(`traffic is split over ${refs.length} Services by weight; anygate weights URL targets, not Services: the heaviest (${str(heaviest.name)}) serves the route`);
        if (r.service) {
          // One binding per Service: the same name in another namespace is another binding.
          let binding = SpecDraft.nameIn(String(r.service.name), {}, 'svc');
          if (functions[binding] && JSON.stringify(functions[binding]) !== JSON.stringify(r.service)) binding = SpecDraft.nameIn(`${String(r.service.name)}-${String(r.service.namespace ?? ns)}`, {}, 'svc');
          backend = draft.backend(binding, { type: 'function', binding });
          functions[binding] = r.service;
        } else backend = draft.backend(strip(str(heaviest.name) ?? 'backend'), { type: 'http', url: r.url! });
      } else if (refs.length > 1) {
        const targets = refs.map((b) => ({ url: resolve(b).url ?? PLACEHOLDER_URL, weight: Math.max(1, Number(b.weight ?? 1)) }));
        backend = draft.backend(strip(str(refs[0].name) ?? 'weighted').replace(/-\d+$/, ''), { type: 'http', targets });
      }
      // Filters.
      const request: Json = {};
      const response: Json = {};
      let mock: Json | undefined;
      // Path rewrites that depend on the matched path: a Gateway API prefix rewrite, anygate's regex rewrite.
      let prefixRewrite: string | undefined;
      let regexRewrite: string | undefined;
      arr(rule.filters).forEach((rf, fi) => {
        const f = obj(rf) ?? {};
        const fat = `${ruleAt}/filters/${fi}`;
        const type = str(f.type);
        const headerMod = (mod: Json | undefined, target: Json, side: string) => {
          const set = { ...(obj(target.setHeaders) ?? {}) } as Record<string, string>;
          for (const h of [...arr(mod?.set), ...arr(mod?.add)]) set[String(obj(h)?.name)] = String(obj(h)?.value ?? '');
          if (Object.keys(set).length) target.setHeaders = set;
          // anygate's own removal of its consumer header (every rule no API-key check authorizes) is not a transform.
          const remove = arr(mod?.remove).map(String).filter((n) => !(side === 'transform.request' && n.toLowerCase() === ANYGATE_CONSUMER_HEADER));
          if (remove.length) target.removeHeaders = remove;
          if (arr(mod?.add).length) log.partial(m.file, fat, type!, `${side}`, 'add (append) is read as set (override)');
          else log.mapped(m.file, fat, type!, side);
        };
        if (type === 'RequestHeaderModifier') headerMod(obj(f.requestHeaderModifier), request, 'transform.request');
        else if (type === 'ResponseHeaderModifier') headerMod(obj(f.responseHeaderModifier), response, 'transform.response');
        else if (type === 'URLRewrite') {
          const p = obj(obj(f.urlRewrite)?.path);
          if (p?.type === 'ReplaceFullPath' && str(p.replaceFullPath)) {
            request.rewritePath = str(p.replaceFullPath);
            log.mapped(m.file, fat, 'URLRewrite ReplaceFullPath', 'transform.request.rewritePath');
          } else if (p?.type === 'ReplacePrefixMatch' && str(p.replacePrefixMatch)?.startsWith('/')) {
            prefixRewrite = str(p.replacePrefixMatch);
            log.mapped(m.file, fat, 'URLRewrite ReplacePrefixMatch', 'transform.request.rewritePath (the prefix, then the greedy tail)');
          } else if (p) log.lost(m.file, fat, `URLRewrite ${str(p.type)}`, 'a prefix rewrite keeps the rest of the path; write the route with a greedy parameter and a rewritePath that uses it');
          if (obj(f.urlRewrite)?.hostname) log.lost(m.file, `${fat}/urlRewrite/hostname`, 'URLRewrite hostname', 'anygate sends the backend its own host name');
        } else if (type === 'RequestRedirect') {
          const r = obj(f.requestRedirect) ?? {};
          const status = Number(r.statusCode ?? 302);
          const host = str(r.hostname);
          const full = str(obj(r.path)?.replaceFullPath);
          if (host && (!r.path || full)) {
            mock = { type: 'mock', statusCode: status, headers: { Location: `${str(r.scheme) ?? 'https'}://${host}${r.port ? `:${r.port}` : ''}${full ?? ''}` } };
            log.partial(m.file, fat, 'RequestRedirect', 'backends (mock)', `a fixed redirect to ${(mock.headers as Json).Location}${full ? '' : ' (the request path is not appended)'}`);
          } else log.lost(m.file, fat, 'RequestRedirect', 'a redirect that keeps the request host or path has no anygate equivalent');
        } else if (type === 'ExtensionRef') {
          const ref = obj(f.extensionRef) ?? {};
          const hf = byName('HTTPRouteFilter', String(ref.name));
          const hs = obj(hf?.body.spec) ?? {};
          if (!hf) log.lost(m.file, fat, 'ExtensionRef', `filter ${str(ref.kind)}/${str(ref.name)} is not in the manifests`);
          else if (obj(hs.directResponse)) {
            const dr = obj(hs.directResponse)!;
            const body = obj(dr.body);
            const def: Json = { type: 'mock', statusCode: Number(dr.statusCode ?? 200) };
            const reasons2: string[] = [];
            if (str(body?.inline) !== undefined) {
              try {
                def.body = JSON.parse(str(body!.inline)!);
              } catch {
                reasons2.push('the body is not JSON (or uses %REQ()% substitution): the mock returns no body');
              }
            } else if (body) reasons2.push('the body comes from a ConfigMap: the mock returns no body');
            const rh = obj(dr.header) ?? obj(dr.responseHeaderModifier);
            const headers: Record<string, string> = {};
            for (const h of [...arr(rh?.set), ...arr(rh?.add)]) headers[String(obj(h)?.name)] = String(obj(h)?.value ?? '');
            if (arr(rh?.remove).length) reasons2.push('header removal is not carried');
            if (Object.keys(headers).length) def.headers = headers;
            mock = def;
            if (reasons2.length) log.partial(hf.file, hf.at || '/', 'HTTPRouteFilter directResponse', 'backends (mock)', reasons2.join('; '));
            else log.mapped(hf.file, hf.at || '/', 'HTTPRouteFilter directResponse', 'backends (mock)');
          } else if (obj(obj(obj(hs.urlRewrite)?.path)?.replaceRegexMatch) && /^[^\\]*(?:\\\d+[^\\]*)*$/.test(String(obj(obj(obj(hs.urlRewrite)?.path)?.replaceRegexMatch)?.substitution ?? '').replace(/\\\\/g, ''))) {
            // anygate's rewrite: the route's natural path by regex, to a template whose \N are its parameters in order.
            regexRewrite = String(obj(obj(obj(hs.urlRewrite)?.path)?.replaceRegexMatch)?.substitution);
            log.mapped(hf.file, hf.at || '/', 'HTTPRouteFilter urlRewrite ReplaceRegexMatch', 'transform.request.rewritePath');
          } else if (obj(obj(hs.urlRewrite)?.hostname)?.type === 'Backend') log.mapped(hf.file, hf.at || '/', 'HTTPRouteFilter urlRewrite hostname Backend', "the backend's own host name (anygate's default)");
          else log.lost(hf.file, hf.at || '/', 'HTTPRouteFilter', 'only directResponse and a Backend host rewrite are read');
        } else log.lost(m.file, fat, `filter ${type}`, `the ${type} filter has no anygate equivalent`);
      });
      if (mock) backend = draft.backend(`mock-${mock.statusCode}`, mock);
      if (!backend) {
        log.lost(m.file, ruleAt, 'rule without backendRefs', 'Gateway API answers 500 for a rule with no backend; the route gets a mock 500');
        backend = draft.backend('mock-500', { type: 'mock', statusCode: 500 });
      }
      if (reasons.length) log.partial(m.file, `${ruleAt}/backendRefs`, 'backendRefs', `backends.${backend}`, reasons.join('; '));
      else if (refs.length) log.mapped(m.file, `${ruleAt}/backendRefs`, 'backendRefs', `backends.${backend}`);
      const timeout = secondsOf(obj(rule.timeouts)?.request);
      const matches = arr(rule.matches).length ? arr(rule.matches).map((x) => obj(x) ?? {}) : [{}];
      matches.forEach((match, mi) => {
        const mat = arr(rule.matches).length ? `${ruleAt}/matches/${mi}` : ruleAt;
        if (arr(match.headers).length || arr(match.queryParams).length) {
          log.lost(m.file, mat, 'header or query match', 'anygate routes select on method and path only; this match is not carried (add a separate route, or route in the backend)');
          return;
        }
        const p = obj(match.path);
        const templates = templatesOf(str(p?.type), str(p?.value));
        if (!templates) {
          log.lost(m.file, mat, `path match ${str(p?.type)}`, `${JSON.stringify(str(p?.value))} is not a path anygate templates can express`);
          return;
        }
        const method = str(match.method)?.toUpperCase() ?? 'ANY';
        for (const path of templates) {
          const route: Json & { method: string; path: string } = { method, path, backend: backend!, auth: 'none' };
          const rid = str(rule.name);
          if (rid && templates.length === 1 && matches.length === 1) route.id = rid;
          if (timeout !== undefined && timeout * 1000 !== 29000 && timeout >= 0.001) route.timeoutMs = Math.round(timeout * 1000);
          const req: Json = { ...request };
          const rewrite = rewriteFor(path, str(p?.type), str(p?.value), prefixRewrite, regexRewrite);
          if (rewrite !== undefined) req.rewritePath = rewrite;
          if (Object.keys(req).length || Object.keys(response).length) route.transform = { ...(Object.keys(req).length ? { request: req } : {}), ...(Object.keys(response).length ? { response } : {}) };
          const i = draft.addRoute(route, { file: m.file, at: mat }, `${method} ${path}`);
          if (i === undefined) continue;
          log.mapped(m.file, mat, 'HTTPRoute match', `routes[${i}]`);
          const list = routesOf.get(m.name) ?? [];
          list.push({ rule: rid, index: i });
          routesOf.set(m.name, list);
        }
      });
    });
  }
  const routeAt = (i: number) => draft.routes[i];
  for (const m of manifests) {
    const spec = obj(m.body.spec) ?? {};
    const at = (...t: (string | number)[]) => `${m.at}${pointer(['spec', ...t])}`;
    if (m.kind === 'SecurityPolicy' || m.kind === 'BackendTrafficPolicy') {
      const t = targetsOf(m, routesOf);
      const indexes = t.gateway ? draft.routes.map((_, i) => i) : t.indexes;
      if (t.missing.length) log.lost(m.file, m.at || '/', `${m.kind} target`, `targets ${t.missing.join(', ')} are not among the imported routes`);
      if (!indexes.length) continue;
      if (m.kind === 'SecurityPolicy') {
        const names: string[] = [];
        const jwt = obj(spec.jwt);
        if (jwt) {
          for (const [pi, pr] of arr(jwt.providers).entries()) {
            const p = obj(pr) ?? {};
            const issuer = str(p.issuer);
            const aud = arr(p.audiences).map(String);
            const def: Json = { type: 'jwt', issuer: issuer ?? PLACEHOLDER_ISSUER, audiences: aud.length ? aud : ['https://audience.invalid'] };
            const uri = str(obj(p.remoteJWKS)?.uri);
            if (uri) def.jwksUri = uri;
            const fromHeaders = arr(obj(p.extractFrom)?.headers).map((h) => obj(h) ?? {});
            const bearer = fromHeaders.length === 1 && str(fromHeaders[0].valuePrefix) === 'Bearer ' && !obj(p.extractFrom)?.params && !obj(p.extractFrom)?.cookies;
            if (bearer && str(fromHeaders[0].name) && str(fromHeaders[0].name)!.toLowerCase() !== 'authorization') def.header = str(fromHeaders[0].name);
            const existing = Object.entries(draft.authorizers).find(([, a]) => JSON.stringify(a) === JSON.stringify(def));
            const n = existing?.[0] ?? SpecDraft.nameIn(str(p.name) ?? 'jwt', draft.authorizers, 'jwt');
            draft.authorizers[n] = def;
            names.push(n);
            const reasons = [...(!issuer ? ['no issuer is checked by the source: issuer is a placeholder'] : []), ...(!aud.length ? ['no audience is checked by the source: audiences is a placeholder'] : []), ...(p.claimToHeaders ? ['claimToHeaders is not carried'] : []), ...(p.extractFrom && !bearer ? ['the token location (extractFrom) is not carried'] : [])];
            if (reasons.length) log.partial(m.file, at('jwt', 'providers', pi), 'SecurityPolicy jwt provider', `authorizers.${n}`, reasons.join('; '));
            else log.mapped(m.file, at('jwt', 'providers', pi), 'SecurityPolicy jwt provider', `authorizers.${n}`);
          }
        }
        const ak = obj(spec.apiKeyAuth);
        if (ak) {
          const from = obj(arr(ak.extractFrom)[0]) ?? {};
          const header = str(arr(from.headers)[0]);
          const query = str(arr(from.params)[0]);
          if (header || query) {
            const def = { type: 'apiKey', in: header ? 'header' : 'query', name: (header ?? query)! };
            const existing = Object.entries(draft.authorizers).find(([, a]) => JSON.stringify(a) === JSON.stringify(def));
            const n = existing?.[0] ?? SpecDraft.nameIn('apiKey', draft.authorizers, 'key');
            if (!existing) draft.authorizers[n] = def;
            names.push(n);
            // Each credential Secret becomes a consumer whose key stays in that Secret.
            for (const ref of arr(ak.credentialRefs)) {
              const secret = str(obj(ref)?.name);
              if (!secret || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(secret)) continue;
              // anygate names a consumer's Secret <gateway>-key-<consumer>; any other Secret is referenced as is.
              const own = ownName && secret.startsWith(`${ownName}-key-`) ? secret.slice(`${ownName}-key-`.length) : undefined;
              const known = Object.entries(draft.consumers).find(([n, c]) => (own ? n === own : JSON.stringify(c.apiKey) === JSON.stringify({ secretRef: `k8s-secret:${secret}` })));
              if (known) continue;
              const plan = Object.keys(draft.plans)[0] ?? 'default';
              draft.plans[plan] ??= {};
              draft.consumers[own ?? SpecDraft.nameIn(secret, draft.consumers, 'consumer')] = own ? { plan } : { plan, apiKey: { secretRef: `k8s-secret:${secret}` } };
            }
            const reasons = [...(arr(ak.extractFrom).length > 1 || arr(from.headers).length > 1 ? ['only the first key location is read'] : []), ...(ak.forwardClientIDHeader ? ['forwardClientIDHeader is not carried'] : []), ...(ak.credentialRefs ? ['each credential Secret is a consumer on plan `default` (apiKey.secretRef k8s-secret:<name>); Envoy Gateway Secrets hold several client ids, anygate one key per consumer'] : [])];
            log.partial(m.file, at('apiKeyAuth'), 'SecurityPolicy apiKeyAuth', `authorizers.${n}`, reasons.join('; ') || 'consumers are not read');
          } else {
            draft.authorizers['apikey-cookie'] ??= { type: 'custom', binding: 'apikey-cookie' };
            names.push('apikey-cookie');
            log.partial(m.file, at('apiKeyAuth'), 'SecurityPolicy apiKeyAuth (cookie)', 'authorizers.apikey-cookie', 'a key in a cookie has no anygate equivalent: the routes stay closed behind a custom authorizer you must supply');
          }
        }
        const cors = obj(spec.cors);
        if (cors) {
          const c: Json = { allowOrigins: arr(cors.allowOrigins).map(String) };
          if (arr(cors.allowMethods).length) c.allowMethods = arr(cors.allowMethods).map((x) => String(x).toUpperCase());
          if (arr(cors.allowHeaders).length) c.allowHeaders = arr(cors.allowHeaders).map(String);
          if (arr(cors.exposeHeaders).length) c.exposeHeaders = arr(cors.exposeHeaders).map(String);
          if (cors.allowCredentials === true) c.allowCredentials = true;
          const age = secondsOf(cors.maxAge);
          if (age !== undefined) c.maxAgeSeconds = Math.min(86400, Math.round(age));
          draft.cors = c;
          log.mapped(m.file, at('cors'), 'SecurityPolicy cors', 'cors');
        }
        const authz = obj(spec.authorization);
        if (authz) {
          const allow: string[] = [];
          const deny: string[] = [];
          let other = false;
          for (const r of arr(authz.rules)) {
            const rr = obj(r) ?? {};
            const cidrs = arr(obj(rr.principal)?.clientCIDRs).map(String);
            const scopes = arr(obj(obj(rr.principal)?.jwt)?.scopes).map(String);
            if (scopes.length) for (const i of indexes) routeAt(i).scopes = [...new Set([...((routeAt(i).scopes as string[]) ?? []), ...scopes])];
            if (cidrs.length) (rr.action === 'Deny' ? deny : allow).push(...cidrs);
            if (!cidrs.length && !scopes.length) other = true;
          }
          if (allow.length || deny.length) draft.ipRules = { allow: [...new Set([...(draft.ipRules?.allow ?? []), ...(authz.defaultAction === 'Deny' ? allow : [])])], deny: [...new Set([...(draft.ipRules?.deny ?? []), ...deny])] };
          if (other || (indexes.length < draft.routes.length && (allow.length || deny.length))) log.partial(m.file, at('authorization'), 'SecurityPolicy authorization', 'ipRules / routes[].scopes', 'rules on other principals (headers, claims) are not carried, and IP rules apply to the whole gateway');
          else log.mapped(m.file, at('authorization'), 'SecurityPolicy authorization', 'ipRules / routes[].scopes');
        }
        const ext = obj(spec.extAuth);
        const extRefs = arr(obj(ext?.http)?.backendRefs).map((b) => obj(b) ?? {});
        const extHeaders = arr(ext?.headersToExtAuth).filter((h): h is string => typeof h === 'string');
        let extRead = false;
        if (ext && !ext.grpc && extRefs.length === 1 && (str(extRefs[0].kind) ?? 'Service') === 'Service' && str(extRefs[0].name) && extHeaders.length === 1) {
          // An HTTP ext-auth Service that reads one header: a custom authorizer (anygate writes it so).
          const svc = extRefs[0];
          const binding = SpecDraft.nameIn(String(svc.name), {}, 'svc');
          const def: Json = { type: 'custom', binding, ...(extHeaders[0].toLowerCase() !== 'authorization' ? { header: extHeaders[0] } : {}) };
          const existing = Object.entries(draft.authorizers).find(([, a]) => JSON.stringify(a) === JSON.stringify(def));
          const n = existing?.[0] ?? SpecDraft.nameIn(binding, draft.authorizers, 'auth');
          draft.authorizers[n] = def;
          functions[binding] ??= { name: String(svc.name), ...(str(svc.namespace) ? { namespace: str(svc.namespace) } : {}), ...(typeof svc.port === 'number' && svc.port !== 80 ? { port: svc.port } : {}) };
          names.push(n);
          extRead = true;
          log.mapped(m.file, at('extAuth'), 'SecurityPolicy extAuth (HTTP service)', `authorizers.${n}`);
        }
        for (const k of ['basicAuth', 'oidc', 'extAuth']) if (spec[k] && !(k === 'extAuth' && extRead)) {
          const n = k.toLowerCase();
          draft.authorizers[n] ??= { type: 'custom', binding: n };
          names.push(n);
          log.partial(m.file, at(k), `SecurityPolicy ${k}`, `authorizers.${n}`, `${k} has no anygate equivalent: the routes stay closed behind a custom authorizer \`${n}\` you must supply`);
        }
        if (names.length) for (const i of indexes) routeAt(i).auth = [[...new Set([...((routeAt(i).auth as string[][] | 'none') === 'none' ? [] : (routeAt(i).auth as string[][])[0]), ...names])]];
      } else {
        const rl = obj(spec.rateLimit);
        if (rl) {
          const local = obj(rl.local) ?? obj(rl.global);
          const rules = arr(local?.rules).map((r) => obj(r) ?? {});
          rules.forEach((r, ri) => {
            const lim = obj(r.limit) ?? {};
            const secs = UNIT_SECONDS[String(lim.unit)];
            const where = at('rateLimit', rl.local ? 'local' : 'global', 'rules', ri);
            if (arr(r.clientSelectors).length) {
              log.lost(m.file, where, 'rate-limit rule with clientSelectors', 'a limit for selected clients (headers, paths, methods, CIDRs) has no anygate equivalent');
              return;
            }
            if (!secs || typeof lim.requests !== 'number') {
              log.lost(m.file, where, 'rate-limit rule', 'the limit or unit is not read');
              return;
            }
            const rate = { requestsPerSecond: lim.requests / secs, ...(secs > 1 ? { burst: Math.max(1, lim.requests) } : {}) };
            for (const i of indexes) routeAt(i).rateLimit = rate;
            if (secs > 1 || rl.global) log.partial(m.file, where, 'rate-limit rule', 'routes[].rateLimit', `${lim.requests} per ${String(lim.unit).toLowerCase()} is read as ${rate.requestsPerSecond} requests per second${secs > 1 ? ` with a burst of ${lim.requests}` : ''}${rl.global ? '; a global limit is shared across replicas' : ''}`);
            else log.mapped(m.file, where, 'rate-limit rule', 'routes[].rateLimit');
          });
        }
        const cb = obj(spec.circuitBreaker);
        if (cb) log.lost(m.file, at('circuitBreaker'), 'circuitBreaker', "Envoy's circuit breaker counts connections and requests, anygate's counts failures (see backends.<name>.circuitBreaker)");
        const to = obj(spec.timeout);
        if (to) log.lost(m.file, at('timeout'), 'timeout', 'connection timeouts are not modelled; the route timeout is HTTPRoute timeouts.request');
        for (const k of Object.keys(spec).filter((k) => !['targetRef', 'targetRefs', 'rateLimit', 'circuitBreaker', 'timeout'].includes(k))) log.lost(m.file, at(k), `BackendTrafficPolicy ${k}`, `${k} has no anygate equivalent`);
      }
      for (const k of Object.keys(spec).filter((k) => m.kind === 'SecurityPolicy' && !['targetRef', 'targetRefs', 'jwt', 'apiKeyAuth', 'cors', 'authorization', 'basicAuth', 'oidc', 'extAuth'].includes(k))) log.lost(m.file, at(k), `SecurityPolicy ${k}`, `${k} has no anygate equivalent`);
    } else if (['GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute'].includes(m.kind)) log.lost(m.file, m.at || '/', m.kind, `a ${m.kind} is refused: anygate routes HTTP requests (the capability records have no ${m.kind.replace('Route', '')} routes)`);
    else if (m.kind === 'ClientTrafficPolicy') log.lost(m.file, m.at || '/', 'ClientTrafficPolicy', 'listener settings (headers, timeouts, TLS, connection limits) are not modelled');
    else if (m.kind === 'Gateway') log.lost(m.file, m.at || '/', 'Gateway', 'the spec attaches to an existing Gateway (kubernetes.gateway) or creates its own (kubernetes.createGateway); listeners, TLS and allowedRoutes are not read');
    else if (['Secret', 'ConfigMap'].includes(m.kind)) log.lost(m.file, m.at || '/', m.kind, `a ${m.kind} is not gateway configuration${m.kind === 'Secret' ? ' (key values never go into a spec)' : ''}`);
    else if (!['HTTPRoute', 'Backend', 'HTTPRouteFilter'].includes(m.kind) && !readBackends.has(m)) log.lost(m.file, m.at || '/', m.kind, `a ${m.kind} is not gateway configuration anygate reads`);
  }
  if (hostnames.size) draft.kubernetes = { ...(draft.kubernetes ?? {}), hostnames: [...hostnames].sort() };
  if (Object.keys(functions).length) draft.kubernetes = { ...(draft.kubernetes ?? {}), functions: { [stage]: functions } };
  if (options.name) draft.name = options.name;
  draft.name = SpecDraft.nameIn(draft.name, {}, 'api');
  // The routes keep their namespace (unless it is the default `<name>-<stage>`): re-synthesized they
  // replace the same objects, and the Gateway and Services they name without a namespace resolve the same.
  if (ns && ns !== `${draft.name}-${stage}`) {
    const { namespaces: _, ...rest } = draft.kubernetes ?? {};
    draft.kubernetes = { namespaces: { [stage]: ns }, ...rest };
    const named = !options.name && !ownName && draft.name === ns ? ' (and the spec name, since nothing else in the manifests names the API: --name sets another)' : '';
    log.mapped(httpRoutes[0].file, `${httpRoutes[0].at}/metadata/namespace`, 'namespace', `kubernetes.namespaces.${stage}${named}`);
  }
  return { platform: 'kubernetes', input: draft.toInput(), findings: log.findings() };
}
