/**
 * The Apigee reader: a proxy bundle (zip, or the apiproxy/ folder): the ProxyEndpoint's base path,
 * PreFlow / conditional Flows / PostFlow steps, RouteRules and TargetEndpoints (URL, timeout;
 * LoadBalancer target servers), with each policy read by meaning (apigee-policies.ts). A flow
 * becomes a route when its condition tests only the path suffix and the verb.
 */
import { AnygateError } from '../model/errors';
import * as posix from 'node:path/posix';
import { PLACEHOLDER_URL, SpecDraft, usableUrl } from './draft';
import { FindingLog, pointer } from './findings';
import { arr, obj, parseData, str } from './data';
import { readCondition } from './apigee-conditions';
import { readApigeeContract } from './apigee-contract';
import { applyPolicy, emptySteps, ownStep, type StepEffects } from './apigee-policies';
import type { AdoptOptions, AdoptResult } from './result';
import type { SourceTree } from './source';
import { kid, kids, parseXml, textAt, type XmlNode } from './xml';

type Json = Record<string, unknown>;

interface Bundle {
  readonly root: string;
  readonly descriptor?: { file: string; node: XmlNode };
  readonly proxies: { file: string; node: XmlNode }[];
  readonly targets: Map<string, { file: string; node: XmlNode }>;
  readonly policies: Map<string, { file: string; node: XmlNode }>;
  /** apigeecli exports beside the bundle: API products, developer apps, target servers per environment. */
  readonly products: { file: string; doc: Json }[];
  readonly apps: { file: string; doc: Json }[];
  readonly targetServers: { file: string; env: string; doc: Json }[];
  /** The contract published for the portal, `resources/oas/contract.json`. */
  readonly contract?: { file: string; text: string };
  /** The document anygate's OASValidation reads, `resources/oas/anygate.json` (validated bodies). */
  readonly oas?: { file: string; text: string };
}

function loadBundle(tree: SourceTree, log: FindingLog): Bundle {
  const descriptors = [...tree.files.keys()].filter((f) => /(^|\/)apiproxy\/[^/]+\.xml$/.test(f));
  const root = descriptors[0]?.replace(/[^/]+\.xml$/, '') ?? ([...tree.files.keys()].find((f) => /(^|\/)proxies\/[^/]+\.xml$/.test(f))?.replace(/proxies\/[^/]+\.xml$/, '') ?? '');
  const bundle: Bundle = { root, proxies: [], targets: new Map(), policies: new Map(), products: [], apps: [], targetServers: [] };
  for (const [file, text] of tree.files) {
    const orgObject = /(^|\/)(products|apps|targetservers\/[^/]+)\/[^/]+\.json$/.exec(file);
    if (orgObject && !file.startsWith(root)) {
      const parsed = parseData(text, file);
      const doc = parsed.ok ? obj(parsed.docs[0]) : undefined;
      if (!doc) log.lost(file, '', 'file', parsed.ok ? 'not a JSON object' : `${parsed.error}; fix the file and import again`);
      else if (orgObject[2] === 'products') bundle.products.push({ file, doc });
      else if (orgObject[2] === 'apps') bundle.apps.push({ file, doc });
      else bundle.targetServers.push({ file, env: orgObject[2].slice('targetservers/'.length), doc });
      continue;
    }
    if (!file.startsWith(root)) {
      log.lost(file, '', 'file', 'outside the apiproxy/ folder: not read');
      continue;
    }
    const rel = file.slice(root.length);
    if (!/\.xml$/i.test(rel)) {
      if (rel === 'resources/oas/contract.json') (bundle as { contract?: Bundle['contract'] }).contract = { file, text };
      else if (rel === 'resources/oas/anygate.json') (bundle as { oas?: Bundle['oas'] }).oas = { file, text };
      else if (rel.startsWith('resources/oas/')) log.lost(file, '', `API contract ${posix.basename(rel)}`, 'the OpenAPI 3.0 contract of one API version (request and response schemas, parameters, documentation) is not read back by this reader yet (contract.json, the contract of an API without versions, is); `anygate import` of the file (without --from) reads it as a spec with its contract, to merge by hand');
      else if (rel.startsWith('resources/')) log.lost(file, '', `resource ${posix.basename(rel)}`, 'resource files (JavaScript, Java, Python, XSL) are code anygate does not translate; the policies that run them are reported where they are used');
      else log.lost(file, '', 'file', 'not part of an Apigee bundle layout');
      continue;
    }
    const parsed = parseXml(text);
    if (!parsed.ok) {
      log.lost(file, '', 'bundle file', `${parsed.error}; fix the file and import again`);
      continue;
    }
    if (/^proxies\//.test(rel)) bundle.proxies.push({ file, node: parsed.root });
    else if (/^targets\//.test(rel)) bundle.targets.set(parsed.root.attrs.name ?? posix.basename(rel, '.xml'), { file, node: parsed.root });
    else if (/^policies\//.test(rel)) bundle.policies.set(parsed.root.attrs.name ?? posix.basename(rel, '.xml'), { file, node: parsed.root });
    else if (!rel.includes('/')) (bundle as { descriptor?: Bundle['descriptor'] }).descriptor = { file, node: parsed.root };
    else log.lost(file, '', 'file', 'not part of an Apigee bundle layout');
  }
  return bundle;
}

interface StepRef {
  readonly name: string;
  readonly condition?: string;
  readonly xpath: string;
  readonly file: string;
}

function steps(flow: XmlNode | undefined, side: 'Request' | 'Response', file: string): StepRef[] {
  const s = kid(flow, side);
  return s ? kids(s, 'Step').map((st) => ({ name: textAt(st, 'Name') ?? '', condition: textAt(st, 'Condition') || undefined, xpath: st.xpath, file })) : [];
}

/** The URL a LoadBalancer of one target server reaches, per exported environment; undefined when not exported. */
function serverUrls(servers: string[], path: string | undefined, bundle: Bundle): Record<string, string> | undefined {
  if (servers.length !== 1) return undefined;
  const out: Record<string, string> = {};
  for (const t of bundle.targetServers) {
    if (t.doc.name !== servers[0] || typeof t.doc.host !== 'string') continue;
    const port = Number(t.doc.port ?? 443);
    const url = usableUrl(`https://${t.doc.host}${port === 443 ? '' : `:${port}`}${path && path !== '/' ? path : ''}`);
    if (url && obj(t.doc.sSLInfo)?.enabled !== false) out[t.env] = url;
  }
  return Object.keys(out).length ? out : undefined;
}

/** API products (plans) and apps (consumers) of the proxy, from apigeecli exports. */
function readOrg(bundle: Bundle, proxy: string, draft: SpecDraft, log: FindingLog): void {
  const planOf = new Map<string, string>();
  // anygate names products and apps `<proxy>-<plan or consumer>-<environment>`.
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const strip = (n: string, env: unknown) => n.replace(new RegExp(`^${esc(proxy)}-`), '').replace(typeof env === 'string' ? new RegExp(`-${esc(env)}$`) : /$^/, '');
  const envOf = new Map<string, unknown>();
  for (const { file, doc } of bundle.products) {
    if (!arr(doc.proxies).includes(proxy)) {
      log.lost(file, '', 'API product', `it does not list the proxy ${proxy}`);
      continue;
    }
    envOf.set(String(doc.name), arr(doc.environments)[0]);
    const name = SpecDraft.nameIn(strip(String(doc.name ?? 'plan'), arr(doc.environments)[0]), draft.plans, 'plan');
    const plan: Json = {};
    if (str(doc.description)) plan.description = str(doc.description);
    const limit = Number(doc.quota);
    const interval = Number(doc.quotaInterval ?? 1);
    const unit = String(doc.quotaTimeUnit ?? '').toLowerCase();
    const period = interval === 1 && (unit === 'day' || unit === 'month') ? unit : interval === 7 && unit === 'day' ? 'week' : undefined;
    if (Number.isInteger(limit) && limit > 0 && period) plan.quota = { limit, period };
    else if (doc.quota !== undefined) log.lost(file, '/quota', 'product quota', `${doc.quota} per ${interval} ${unit}: anygate quotas count per day, week or month`);
    const rate = arr(doc.attributes).map(obj).find((a) => a?.name === 'anygate-rate')?.value;
    const m = typeof rate === 'string' ? /^(\d+(?:\.\d+)?)(ps|pm)$/.exec(rate) : null;
    if (m) plan.rateLimit = { requestsPerSecond: m[2] === 'ps' ? Number(m[1]) : Number(m[1]) / 60 };
    draft.plans[name] = plan;
    planOf.set(String(doc.name), name);
    log.partial(file, '', 'API product', `plans.${name}`, "a product's rate (SpikeArrest) has no burst: the plan's burst is not carried");
  }
  for (const { file, doc } of bundle.apps) {
    const product = arr(doc.apiProducts).map((p) => (typeof p === 'string' ? p : str(obj(p)?.apiproduct))).find((p) => p && planOf.has(p));
    const plan = product ? planOf.get(product) : undefined;
    if (!plan) {
      log.lost(file, '', 'developer app', 'none of its products is a plan of this proxy');
      continue;
    }
    const name = SpecDraft.nameIn(strip(String(doc.name ?? 'consumer'), envOf.get(product!)), draft.consumers, 'consumer');
    const description = arr(doc.attributes).map(obj).find((a) => a?.name === 'description')?.value;
    draft.consumers[name] = { plan, ...(typeof description === 'string' ? { description } : {}) };
    log.mapped(file, '', 'developer app', `consumers.${name} (its keys stay in Apigee)`);
  }
}

/**
 * The route's validation from anygate's steps: the 400 RaiseFault's missing parameters, and the
 * body schema its OASValidation reads from `resources/oas/anygate.json` (the operation of the
 * route's method and path). Undefined when the steps validate nothing.
 */
function validationOf(fx: StepEffects, method: string, path: string, bundle: Bundle, log: FindingLog): Json | undefined {
  const out: Json = {};
  if (fx.required?.query.length) out.requiredQuery = fx.required.query;
  if (fx.required?.headers.length) out.requiredHeaders = fx.required.headers;
  if (fx.validatesBody) {
    const parsed = bundle.oas ? parseData(bundle.oas.text, bundle.oas.file) : undefined;
    const doc = parsed?.ok ? obj(parsed.docs[0]) : undefined;
    const op = obj(obj(obj(doc?.paths)?.[path])?.[method.toLowerCase()]);
    const schema = obj(obj(obj(obj(op?.requestBody)?.content)?.['application/json'])?.schema);
    const at = pointer(['paths', path, method.toLowerCase(), 'requestBody']);
    if (schema && !op?.parameters) {
      out.bodySchema = schema;
      log.mapped(bundle.oas!.file, at, 'validated request body (OASValidation)', 'routes[].validation.bodySchema');
    } else log.lost(bundle.oas?.file ?? 'apiproxy/resources/oas/anygate.json', bundle.oas ? at : '', 'validated request body (OASValidation)', `no JSON body schema for ${method} ${path} in the bundle's anygate.json; set validation.bodySchema by hand`);
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * A cache whose key parts name the caller's credentials without them: anygate adds those to the key
 * of every route with auth itself (rule 8 of docs/model.md), so they are not the spec's `cache.key`.
 */
function withoutCallerKey(cache: NonNullable<StepEffects['cache']>, auth: string[][] | 'none', draft: SpecDraft): Json {
  if (auth === 'none' || !cache.key) return cache;
  const creds = new Set<string>();
  for (const n of new Set(auth.flat())) {
    const a = draft.authorizers[n] ?? {};
    if (a.type === 'apiKey') creds.add(a.in === 'query' ? `query:${String(a.name)}` : `header:${String(a.name).toLowerCase()}`);
    else creds.add(`header:${String(a.header ?? 'Authorization').toLowerCase()}`);
  }
  const query = (cache.key.query ?? []).filter((q) => !creds.has(`query:${q}`));
  const headers = (cache.key.headers ?? []).filter((h) => !creds.has(`header:${h.toLowerCase()}`));
  const key = { ...(query.length ? { query } : {}), ...(headers.length ? { headers } : {}) };
  return { ttlSeconds: cache.ttlSeconds, ...(Object.keys(key).length ? { key } : {}) };
}

/** Imports one proxy from an Apigee bundle. */
export function readApigee(tree: SourceTree, options: AdoptOptions = {}): AdoptResult {
  const log = new FindingLog();
  const bundle = loadBundle(tree, log);
  if (!bundle.proxies.length) throw new AnygateError(`${tree.root}: no ProxyEndpoint found (apiproxy/proxies/*.xml); give the bundle zip or its apiproxy/ folder, e.g. from \`apigeecli apis fetch --name NAME --rev REV\``);
  const score = (p: XmlNode) => kids(kid(p, 'Flows') ?? p, 'Flow').length;
  const chosen = options.api ? bundle.proxies.find((p) => p.node.attrs.name === options.api) : [...bundle.proxies].sort((a, b) => score(b.node) - score(a.node) || (a.file < b.file ? -1 : 1))[0];
  if (!chosen) throw new AnygateError(`${tree.root}: no ProxyEndpoint ${JSON.stringify(options.api)}; the endpoints are ${bundle.proxies.map((p) => p.node.attrs.name).join(', ')}`);
  for (const p of bundle.proxies) if (p !== chosen) log.lost(p.file, p.node.xpath, 'another ProxyEndpoint', `one spec has one base path: import it with --api ${p.node.attrs.name}`);
  const name = options.name ?? bundle.descriptor?.node.attrs.name ?? textAt(bundle.descriptor?.node, 'DisplayName') ?? 'imported';
  const draft = new SpecDraft(name, log);
  const pe = chosen.node;
  const file = chosen.file;
  if (bundle.descriptor) log.mapped(bundle.descriptor.file, bundle.descriptor.node.xpath, 'APIProxy descriptor', 'name');
  // anygate describes the endpoint `<name> <version>`.
  const described = new RegExp(`^${draft.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (\\S+)$`).exec(textAt(pe, 'Description') ?? '');
  if (described) draft.version = described[1];
  // anygate writes the spec's description into the descriptor, or `<proxy> (anygate)` without one.
  const description = textAt(bundle.descriptor?.node, 'Description');
  if (description && description !== `${bundle.descriptor?.node.attrs.name} (anygate)`) {
    draft.description = description;
    log.mapped(bundle.descriptor!.file, kid(bundle.descriptor!.node, 'Description')!.xpath, 'Description', 'description');
  }
  const basePath = textAt(pe, 'HTTPProxyConnection', 'BasePath');
  if (basePath && basePath !== '/') {
    draft.basePath = basePath.replace(/\/+$/, '');
    log.mapped(file, kid(kid(pe, 'HTTPProxyConnection'), 'BasePath')!.xpath, 'BasePath', 'basePath');
  }
  for (const vh of kids(kid(pe, 'HTTPProxyConnection') ?? pe, 'VirtualHost')) log.lost(file, vh.xpath, 'VirtualHost', 'Apigee X uses environment groups; anygate does not model host names here');
  for (const fr of kids(kid(pe, 'FaultRules') ?? ({ children: [] } as unknown as XmlNode), 'FaultRule')) log.lost(file, fr.xpath, 'FaultRule', 'anygate answers errors with one error contract on every target; custom fault handling is not carried');
  if (kid(pe, 'DefaultFaultRule')) log.lost(file, kid(pe, 'DefaultFaultRule')!.xpath, 'DefaultFaultRule', 'custom fault handling is not carried');

  // Targets: name -> backend.
  const backendOf = new Map<string, { name: string; timeoutMs?: number; effects: StepRef[][] }>();
  for (const [tname, t] of bundle.targets) {
    const conn = kid(t.node, 'HTTPTargetConnection');
    // anygate's target of rewriting routes (`<backend>-rewrite`, described `backend <backend>`)
    // carries the rewritten path in <Path>: it is that backend.
    const ownPath = textAt(conn, 'Path') === '{anygate.backend.path}';
    const described = ownPath ? /^backend ([A-Za-z0-9-]+)$/.exec(textAt(t.node, 'Description') ?? '')?.[1] : undefined;
    const url = textAt(conn, 'URL');
    const timeout = kids(kid(conn, 'Properties') ?? ({ children: [] } as unknown as XmlNode), 'Property').find((p) => p.attrs.name === 'io.timeout.millis');
    let backend: string;
    // anygate's function backend: target servers named for the binding, called with a Google ID
    // token whose audience the binding's KVM entry holds (private.anygate.audience.<binding>).
    const fnAudience = /^private\.anygate\.audience\.([A-Za-z0-9-]+)$/.exec(kid(kid(kid(conn, 'Authentication'), 'GoogleIDToken'), 'Audience')?.attrs.ref ?? '');
    if (fnAudience && kid(conn, 'LoadBalancer')) {
      backend = draft.backend(tname.replace(/-\d+ms$/, ''), { type: 'function', binding: fnAudience[1] });
      log.mapped(t.file, kid(conn, 'Authentication')!.xpath, "anygate's function backend (Google ID token, audience from the KVM)", `backends.${backend} (binding ${fnAudience[1]})`);
    } else if (url && usableUrl(url)) {
      // anygate names a target <backend>, or <backend>-<timeout>ms for routes with their own timeout.
      backend = draft.backend(tname.replace(/-\d+ms$/, ''), { type: 'http', url: usableUrl(url)! });
      log.mapped(t.file, kid(conn, 'URL')!.xpath, 'TargetEndpoint URL', `backends.${backend}`);
    } else if (kid(conn, 'LoadBalancer') && serverUrls(kids(kid(conn, 'LoadBalancer')!, 'Server').map((s) => s.attrs.name), ownPath ? undefined : textAt(conn, 'Path'), bundle)) {
      // Target servers the export holds: their URL in each environment exported (a stage each).
      const byEnv = serverUrls(kids(kid(conn, 'LoadBalancer')!, 'Server').map((s) => s.attrs.name), ownPath ? undefined : textAt(conn, 'Path'), bundle)!;
      const [first] = Object.values(byEnv);
      backend = draft.backend(described ?? tname.replace(/-\d+ms$/, ''), { type: 'http', url: first });
      for (const [env, url] of Object.entries(byEnv)) {
        const st = (draft.stages[env] ??= {});
        st.backends = { ...(obj(st.backends) ?? {}), [backend]: { url } };
      }
      log.partial(t.file, kid(conn, 'LoadBalancer')!.xpath, 'LoadBalancer of target servers', `backends.${backend}, stages.<env>.backends.${backend}`, `the target servers' hosts per environment come from the export (${Object.keys(byEnv).join(', ')}); the backend's URL in environments not exported is not known: it is the first exported one`);
    } else if (kid(conn, 'LoadBalancer')) {
      const servers = kids(kid(conn, 'LoadBalancer')!, 'Server').map((s) => s.attrs.name);
      backend = draft.backend(tname, { type: 'http', url: PLACEHOLDER_URL });
      log.partial(t.file, kid(conn, 'LoadBalancer')!.xpath, 'LoadBalancer of target servers', `backends.${backend}`, `target servers ${servers.join(', ')} are environment configuration not in the bundle; the backend URL is a placeholder: set it (per stage under stages.<name>.backends)`);
    } else {
      backend = draft.backend(tname, { type: 'http', url: PLACEHOLDER_URL });
      log.partial(t.file, conn?.xpath ?? t.node.xpath, 'TargetEndpoint', `backends.${backend}`, `the target URL ${JSON.stringify(url ?? '')} is not an https URL (a placeholder or a variable); the backend URL is a placeholder`);
    }
    const ms = timeout ? Number(timeout.text) : undefined;
    if (kid(conn, 'SSLInfo') && textAt(conn, 'SSLInfo', 'ClientAuthEnabled') === 'true') log.lost(t.file, kid(conn, 'SSLInfo')!.xpath, 'mutual TLS to the target', 'client certificates are not modelled');
    const tflows: StepRef[][] = [];
    for (const f of [kid(t.node, 'PreFlow'), ...kids(kid(t.node, 'Flows') ?? t.node, 'Flow'), kid(t.node, 'PostFlow')]) {
      if (!f) continue;
      if (f.name === 'Flow' && textAt(f, 'Condition')) {
        log.lost(t.file, f.xpath, 'conditional target flow', 'conditional flows in a target are not read; move their policies to the proxy flows');
        continue;
      }
      tflows.push([...steps(f, 'Request', t.file).map((s) => ({ ...s, side: 'Request' })), ...steps(f, 'Response', t.file).map((s) => ({ ...s, side: 'Response' }))] as StepRef[]);
    }
    for (const fr of kids(kid(t.node, 'FaultRules') ?? ({ children: [] } as unknown as XmlNode), 'FaultRule')) log.lost(t.file, fr.xpath, 'FaultRule', 'custom fault handling is not carried');
    backendOf.set(tname, { name: backend, timeoutMs: Number.isInteger(ms) && ms! >= 1 && ms! <= 300000 ? ms : undefined, effects: tflows });
  }
  // RouteRules: an unconditional one names the default target; `var = "value"` conditions pick a
  // target by a flow variable an AssignMessage sets (anygate's own output routes that way).
  const rules = kids(pe, 'RouteRule').map((r) => {
    const cond = textAt(r, 'Condition');
    const m = cond ? /^\(?\s*([A-Za-z_][\w.-]*)\s*(?:=|==|equals)\s*"([^"]*)"\s*\)?$/.exec(cond) : null;
    return { node: r, cond, test: m ? { name: m[1], value: m[2] } : undefined, target: textAt(r, 'TargetEndpoint') };
  });
  for (const r of rules) {
    if (r.cond && !r.test) log.lost(file, r.node.xpath, 'conditional RouteRule', `routing on ${JSON.stringify(r.cond)} is not carried; the unconditional RouteRule's target serves the routes it would have taken`);
    else if (r.target && !bundle.targets.has(r.target)) log.lost(file, r.node.xpath, 'RouteRule target', `TargetEndpoint ${r.target} is not in the bundle`);
    else log.mapped(file, r.node.xpath, 'RouteRule', r.target ? `routes[].backend (${r.target})` : 'mock backends (no target)');
  }
  const unconditional = rules.find((r) => !r.cond);
  const targetFor = (vars: Record<string, string>) => {
    const hit = rules.find((r) => r.test && vars[r.test.name] === r.test.value) ?? unconditional;
    return hit?.target ? backendOf.get(hit.target) : undefined;
  };

  const reported = new Set<string>();
  const run = (list: StepRef[], request: boolean, fx: StepEffects) => {
    for (const s of list) {
      const p = bundle.policies.get(s.name);
      if (!p) {
        if (!reported.has(`missing:${s.name}`)) {
          reported.add(`missing:${s.name}`);
          log.lost(s.file, s.xpath, `Step ${s.name}`, `policy ${s.name} is not in the bundle (a shared flow or a missing file); import what it does by hand`);
        }
        continue;
      }
      if (p.node.attrs.enabled === 'false') continue;
      if (p.node.name === 'FlowCallout') {
        if (!reported.has(p.file)) {
          reported.add(p.file);
          log.lost(p.file, p.node.xpath, 'FlowCallout', `shared flow ${JSON.stringify(textAt(p.node, 'SharedFlowBundle'))} is not in the bundle; import what it does by hand`);
        }
        continue;
      }
      const sctx = { file: p.file, draft, log, request, conditional: !!s.condition, reported };
      if (!ownStep(p.node, s.condition, sctx, fx)) applyPolicy(p.node, sctx, fx);
    }
  };
  const pre = kid(pe, 'PreFlow');
  const post = kid(pe, 'PostFlow');
  const flows = kids(kid(pe, 'Flows') ?? ({ children: [] } as unknown as XmlNode), 'Flow');
  const selections: { flow?: XmlNode; paths: string[]; methods: string[] }[] = [];
  for (const f of flows) {
    const sel = readCondition(textAt(f, 'Condition'));
    if (!sel.ok) {
      log.lost(file, f.xpath, `Flow ${f.attrs.name ?? ''}`.trim(), `${sel.reason}; add its routes by hand`);
      continue;
    }
    const described = /^(ANY|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\/\S*)$/.exec(textAt(f, 'Description') ?? '');
    const shape = (p: string) => p.replace(/\{[^}]+\+\}/g, '{+}').replace(/\{[^}+]+\}/g, '{}');
    if (described && sel.paths.length === 1 && shape(sel.paths[0]) === shape(described[2]) && (sel.methods.length === 0 ? described[1] === 'ANY' : sel.methods.length === 1 && sel.methods[0] === described[1])) selections.push({ flow: f, paths: [described[2]], methods: sel.methods });
    else selections.push({ flow: f, paths: sel.paths, methods: sel.methods });
  }
  if (!selections.some((s) => s.paths.length === 0 && s.methods.length === 0)) selections.push({ paths: [], methods: [] });
  const catchAll = selections[selections.length - 1];
  for (const sel of selections) {
    const fx = emptySteps();
    run(steps(pre, 'Request', file), true, fx);
    if (sel.flow) run(steps(sel.flow, 'Request', file), true, fx);
    run(steps(post, 'Request', file), true, fx);
    const target = targetFor(fx.vars);
    for (const group of target?.effects ?? []) {
      run(group.filter((s) => (s as StepRef & { side: string }).side === 'Request'), true, fx);
    }
    const responseFx = emptySteps();
    if (sel.flow) run(steps(sel.flow, 'Response', file), false, responseFx);
    run(steps(pre, 'Response', file), false, responseFx);
    run(steps(post, 'Response', file), false, responseFx);
    for (const group of target?.effects ?? []) run(group.filter((s) => (s as StepRef & { side: string }).side === 'Response'), false, responseFx);
    let backend: string;
    if (fx.raises !== undefined) backend = draft.backend(`fault-${fx.raises}`, { type: 'mock', statusCode: fx.raises });
    else if (!target) {
      const m = responseFx.mock ?? fx.mock;
      const def: Json = { type: 'mock', statusCode: m?.statusCode ?? 200 };
      if (m?.body !== undefined) def.body = m.body;
      if (m && Object.keys(m.headers).length) def.headers = m.headers;
      backend = draft.backend(`mock-${def.statusCode}`, def);
    } else backend = target.name;
    if (sel === catchAll && !sel.flow && fx.raises === undefined && selections.length > 1 && target === undefined && !responseFx.mock) continue;
    // A flow that only raises 404 for whatever no other flow matched: anygate answers that itself.
    if (sel.paths.length === 0 && sel.methods.length === 0 && fx.raises === 404) {
      if (sel.flow) log.mapped(file, sel.flow.xpath, 'catch-all 404 flow', "anygate's own 404 for requests no route matches");
      continue;
    }
    const paths = sel.paths.length ? sel.paths : ['/', '/{path+}'];
    const methods = sel.methods.length ? sel.methods : ['ANY'];
    for (const path of paths)
      for (const method of methods) {
        const auth = fx.alternatives?.length ? fx.alternatives : fx.auth.length ? [[...new Set(fx.auth)]] : 'none';
        const route: Json & { method: string; path: string } = { method, path, backend, auth };
        if (sel.flow?.attrs.name && paths.length === 1 && methods.length === 1) route.id = sel.flow.attrs.name;
        const scopes = [...new Set(fx.scopes)];
        if (scopes.length) route.scopes = scopes;
        const rl = fx.rateLimit ?? responseFx.rateLimit;
        if (rl) route.rateLimit = rl;
        const cache = fx.cache ?? responseFx.cache;
        if (cache) route.cache = withoutCallerKey(cache, auth, draft);
        if (target?.timeoutMs && target.timeoutMs !== 29000 && backend === target.name) route.timeoutMs = target.timeoutMs;
        const request: Json = {};
        if (Object.keys(fx.request.setHeaders).length) request.setHeaders = fx.request.setHeaders;
        if (fx.request.removeHeaders.length) request.removeHeaders = [...new Set(fx.request.removeHeaders)];
        if (Object.keys(fx.request.setQuery).length) request.setQuery = fx.request.setQuery;
        if (fx.request.removeQuery.length) request.removeQuery = [...new Set(fx.request.removeQuery)];
        if (fx.request.body !== undefined) request.body = fx.request.body;
        if (fx.request.rewritePath !== undefined) request.rewritePath = fx.request.rewritePath;
        const validation = validationOf(fx, method, path, bundle, log);
        if (validation) route.validation = validation;
        const response: Json = {};
        const redact = responseFx.response.redact ?? fx.response.redact;
        if (redact) response.redact = redact;
        const rs = { ...fx.response.setHeaders, ...responseFx.response.setHeaders };
        if (Object.keys(rs).length && !responseFx.mock) response.setHeaders = rs;
        const rr = [...fx.response.removeHeaders, ...responseFx.response.removeHeaders];
        if (rr.length) response.removeHeaders = [...new Set(rr)];
        if (Object.keys(request).length || Object.keys(response).length) route.transform = { ...(Object.keys(request).length ? { request } : {}), ...(Object.keys(response).length ? { response } : {}) };
        const i = draft.addRoute(route, { file, at: sel.flow?.xpath ?? pe.xpath }, sel.flow ? `Flow ${sel.flow.attrs.name ?? ''}` : 'the proxy without a matching flow');
        if (i !== undefined) log.mapped(file, sel.flow?.xpath ?? pe.xpath, sel.flow ? 'Flow' : 'ProxyEndpoint (every request)', `routes[${i}]`);
      }
    // Quotas belong to plans: one plan per distinct quota, consumers are not in a bundle.
    if (fx.quota && !bundle.products.length) {
      const key = JSON.stringify(fx.quota);
      if (!Object.values(draft.plans).some((p) => JSON.stringify(p.quota) === key)) draft.plans[SpecDraft.nameIn('default', draft.plans, 'plan')] = { quota: fx.quota };
    }
  }
  if (bundle.contract) readApigeeContract(draft, bundle.contract.file, bundle.contract.text);
  readOrg(bundle, name, draft, log);
  for (const [pname, p] of bundle.policies) if (!reported.has(p.file) && !reported.has(`missing:${pname}`) && !log.reported(p.file)) log.lost(p.file, p.node.xpath, p.node.name, 'no step runs this policy');
  if (Object.keys(draft.plans).length && !Object.values(draft.authorizers).some((a) => a.type === 'apiKey')) draft.authorizers.apiKey = { type: 'apiKey', in: 'header', name: 'x-api-key' };
  if (options.name) draft.name = options.name;
  draft.name = SpecDraft.nameIn(draft.name, {}, 'api');
  return { platform: 'apigee', input: draft.toInput(), findings: log.findings() };
}
