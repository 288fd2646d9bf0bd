/**
 * The Azure reader: API Management configuration as users get it out: an APIOps extractor tree
 * (apis/<name>/apiInformation.json, specification, policy.xml at API and operation level,
 * products, named values, backends, the global policy.xml), ARM templates of
 * Microsoft.ApiManagement/service/* resources, the resource graph anygate synth writes
 * (resources.json), or loose OpenAPI and policy.xml files (Bicep projects, policy snippets).
 * One API per import; policies are read by meaning (azure-policy.ts).
 */
import { AnygateError } from '../model/errors';
import * as posix from 'node:path/posix';
import { arr, obj, parseData, str } from './data';
import { METHODS, PLACEHOLDER_URL, SpecDraft, usableUrl } from './draft';
import { FindingLog, pointer } from './findings';
import { readApimContract, type ApimDeclaredParameter, type ApimSchemaDoc } from './azure-contract';
import { readOpenApiContract } from './apigee-contract';
import { ScopeFindings, SECTIONS, type Section } from './azure-scopes';
import { readPolicy, type NamedValues, type PolicyEffects } from './azure-policy';
import type { AdoptOptions, AdoptResult } from './result';
import type { SourceTree } from './source';

type Json = Record<string, unknown>;

interface Doc {
  readonly text: string;
  readonly file: string;
  readonly at: string;
}

interface ApimOperation {
  readonly id: string;
  readonly method: string;
  readonly urlTemplate: string;
  readonly file: string;
  readonly at: string;
  readonly policy?: Doc;
  readonly description?: string;
  /** The route's contract, read back from the operation's representations and responses. @default - none */
  contract?: Json;
  /** The parameters the operation declares (azure-contract.ts). @default - none */
  parameters?: ApimDeclaredParameter[];
  /** Where the operation's inputs are (the pointer its parameters' `where` continues). @default - no declared parameters */
  inputsAt?: string;
}

interface ApimApi {
  readonly id: string;
  readonly file: string;
  readonly at: string;
  displayName?: string;
  path?: string;
  serviceUrl?: string;
  subscriptionRequired: boolean;
  keyHeader?: string;
  keyQuery?: string;
  operations: ApimOperation[];
  policy?: Doc;
  description?: string;
  /** What kind of API it is (http, soap, graphql, websocket). */
  kind: string;
  /** The API schema's shared types, as components (3.1). @default - none */
  components?: Json;
  /** The API's OpenAPI definition (APIOps `specification.*`, an ARM API's `value`), read for the contract. @default - none */
  specification?: { file: string; text: string; at: string; parseAs?: string };
}

interface ApimProduct {
  readonly id: string;
  readonly file: string;
  readonly at: string;
  readonly apis: string[];
  readonly policy?: Doc;
  readonly description?: string;
  readonly subscriptionRequired: boolean;
}

interface Service {
  apis: ApimApi[];
  products: ApimProduct[];
  backends: Map<string, { url?: string; file: string; at: string }>;
  namedValues: Map<string, { value?: string; secret: boolean }>;
  globalPolicy?: Doc;
  fragments: Map<string, Doc>;
  /** Subscriptions scoped to a product: consumers of its plan (keys are never read). */
  /** `sid`: the subscription's id, when the source says it (anygate's: `<api id>-<consumer>`). */
  subscriptions: { name: string; product: string; file: string; at: string; sid?: string }[];
}

/** Operations of an OpenAPI specification. */
function specOperations(doc: Json, file: string): ApimOperation[] {
  const out: ApimOperation[] = [];
  for (const [path, item] of Object.entries(obj(doc.paths) ?? {}))
    for (const [m, op] of Object.entries(obj(item) ?? {})) {
      if (!(METHODS as readonly string[]).includes(m.toUpperCase())) continue;
      const o = obj(op) ?? {};
      out.push({ id: str(o.operationId) ?? `${m}-${path}`, method: m.toUpperCase(), urlTemplate: path, file, at: pointer(['paths', path, m]), description: str(o.description) });
    }
  return out;
}

const isOpenApi = (d: Json | undefined) => !!d && (typeof d.openapi === 'string' || d.swagger !== undefined) && !!obj(d.paths);

function fromApiOps(tree: SourceTree, parsed: Map<string, Json>, log: FindingLog, svc: Service, used: Set<string>): void {
  const info = [...tree.files.keys()].filter((f) => /(^|\/)apis\/[^/]+\/apiInformation\.json$/.test(f));
  for (const file of info) {
    used.add(file);
    const dir = posix.dirname(file);
    const p = obj(parsed.get(file)?.properties) ?? {};
    const api: ApimApi = {
      id: posix.basename(dir),
      file,
      at: '/properties',
      displayName: str(p.displayName),
      path: str(p.path),
      serviceUrl: str(p.serviceUrl),
      subscriptionRequired: p.subscriptionRequired !== false,
      keyHeader: str(obj(p.subscriptionKeyParameterNames)?.header),
      keyQuery: str(obj(p.subscriptionKeyParameterNames)?.query),
      operations: [],
      description: str(p.description),
      kind: str(p.type) ?? (p.apiType === 'soap' ? 'soap' : 'http'),
    };
    const spec = [...tree.files.keys()].find((f) => posix.dirname(f) === dir && /^specification\./.test(posix.basename(f)));
    if (spec) {
      used.add(spec);
      const doc = parsed.get(spec);
      if (isOpenApi(doc)) {
        api.operations = specOperations(doc!, spec);
        api.specification = { file: spec, text: tree.files.get(spec)!, at: '' };
      }
      else log.lost(spec, '', 'API specification', `${posix.extname(spec).slice(1).toUpperCase()} specifications (GraphQL, WSDL, WADL) have no anygate routes; only OpenAPI is read`);
    }
    const pol = `${dir}/policy.xml`;
    if (tree.files.has(pol)) {
      used.add(pol);
      api.policy = { text: tree.files.get(pol)!, file: pol, at: '' };
    }
    api.operations = api.operations.map((op) => {
      const f = `${dir}/operations/${op.id}/policy.xml`;
      if (!tree.files.has(f)) return op;
      used.add(f);
      return { ...op, policy: { text: tree.files.get(f)!, file: f, at: '' } };
    });
    for (const f of tree.files.keys()) if (f.startsWith(`${dir}/operations/`) && !used.has(f)) {
      used.add(f);
      log.lost(f, '', 'operation policy', 'its operation is not in the API specification');
    }
    svc.apis.push(api);
  }
  for (const [file, doc] of parsed) {
    let m = /(^|\/)products\/([^/]+)\/productInformation\.json$/.exec(file);
    if (m) {
      used.add(file);
      const dir = posix.dirname(file);
      const p = obj(doc.properties) ?? {};
      const apis = [...tree.files.keys()].map((f) => new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/apis/([^/]+)/`).exec(f)?.[1]).filter((x): x is string => !!x);
      for (const f of tree.files.keys()) if (f.startsWith(`${dir}/apis/`)) used.add(f);
      const pol = `${dir}/policy.xml`;
      if (tree.files.has(pol)) used.add(pol);
      svc.products.push({ id: m[2], file, at: '/properties', apis: [...new Set(apis)], policy: tree.files.has(pol) ? { text: tree.files.get(pol)!, file: pol, at: '' } : undefined, description: str(p.description), subscriptionRequired: p.subscriptionRequired !== false });
      if (p.subscriptionsLimit !== undefined) log.lost(file, '/properties/subscriptionsLimit', 'product subscriptionsLimit', 'anygate does not cap the number of consumers on a plan');
      if (p.terms !== undefined) log.lost(file, '/properties/terms', 'product terms', 'portal text is not carried');
      continue;
    }
    m = /(^|\/)named values\/([^/]+)\/namedValueInformation\.json$/.exec(file);
    if (m) {
      used.add(file);
      const p = obj(doc.properties) ?? {};
      svc.namedValues.set(str(p.displayName) ?? m[2], { value: str(p.value), secret: p.secret === true || !!p.keyVault });
      svc.namedValues.set(m[2], { value: str(p.value), secret: p.secret === true || !!p.keyVault });
      log.mapped(file, '/properties', 'named value', p.secret ? 'not copied (secret)' : 'resolved where policies use it');
      continue;
    }
    m = /(^|\/)subscriptions\/([^/]+)\/subscriptionInformation\.json$/.exec(file);
    if (m) {
      used.add(file);
      const p = obj(doc.properties) ?? {};
      const product = /^\/products\/([^/]+)$/.exec(String(p.scope ?? ''))?.[1];
      if (product) svc.subscriptions.push({ name: str(p.displayName) ?? m[2], product, file, at: '/properties' });
      else log.lost(file, '/properties/scope', 'subscription', `scope ${JSON.stringify(p.scope)}: only product subscriptions become consumers`);
      continue;
    }
    m = /(^|\/)backends\/([^/]+)\/backendInformation\.json$/.exec(file);
    if (m) {
      used.add(file);
      svc.backends.set(m[2], { url: str(obj(doc.properties)?.url), file, at: '/properties' });
    }
  }
  const root = info[0]?.replace(/apis\/[^/]+\/apiInformation\.json$/, '');
  if (root === undefined) return;
  const global = `${root}policy.xml`;
  if (tree.files.has(global)) {
    used.add(global);
    svc.globalPolicy = { text: tree.files.get(global)!, file: global, at: '' };
  }
  for (const f of tree.files.keys()) {
    const m = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}policy fragments/([^/]+)/policy\\.xml$`).exec(f);
    if (m) {
      svc.fragments.set(m[1], { text: tree.files.get(f)!, file: f, at: '' });
      used.add(f);
      used.add(f.replace(/policy\.xml$/, 'policyFragmentInformation.json'));
    }
  }
}

/** Why a contract part is reported lost, and what to do. */
const CONTRACT_NOT_READ = "the API contract (schemas, declared parameters, responses) is not read back by this reader yet; export the API's OpenAPI document and `anygate import` it (without --from) for a spec with its contract, to merge by hand";

/**
 * The contract (#35) of an API's operations (their inputs: an ApiOperation's, an ARM operation's
 * properties) against its API schema (azure-contract.ts): representations, responses and declared
 * parameters onto the API's operations, the schema's shared types as components.
 */
function attachContract(api: ApimApi, ops: { inputs: Json; at: string }[], schemas: { inputs: Json; at: string }[], file: string, log: FindingLog): void {
  const sp = schemas.length === 1 ? schemas[0]!.inputs : undefined;
  const schemaDoc: ApimSchemaDoc | undefined = sp && sp.contentType === 'application/vnd.oai.openapi.components+json' && obj(obj(sp.components)?.schemas) && str(sp.schemaId) ? { schemaId: str(sp.schemaId)!, schemas: obj(obj(sp.components)!.schemas)! } : undefined;
  const read = readApimContract(ops.map((o) => o.inputs), schemaDoc, file);
  for (const { inputs: op, at } of ops) {
    const id = String(op.operationId);
    const request = obj(op.request) ?? {};
    const declared = read.parameters.get(id);
    const holder = api.operations.find((o) => o.id === id);
    if (declared && holder) Object.assign(holder, { parameters: declared, inputsAt: at });
    if (!arr(request.representations).length && !arr(op.responses).length) continue;
    const lostWhy = read.lost.get(id) ?? (read.schemaLost && `the API schema is not read (${read.schemaLost})`);
    if (lostWhy) log.lost(file, at, 'operation representations and responses (contract)', `${lostWhy}; export the API's OpenAPI document and \`anygate import\` it (without --from) for a spec with its contract, to merge by hand`);
    else {
      if (holder) holder.contract = read.contracts.get(id);
      log.mapped(file, at, 'operation representations and responses (contract)', `the contract of the route of operation ${id}`);
    }
  }
  for (const { at } of schemas) {
    if (schemaDoc && !read.schemaLost) log.mapped(file, at, 'API schema (contract)', 'components.schemas, and the contracts of the routes whose own types it holds');
    else log.lost(file, at, 'API schema (contract)', read.schemaLost ? `${read.schemaLost}; ${CONTRACT_NOT_READ}` : schemas.length > 1 ? `the API has ${schemas.length} schemas; ${CONTRACT_NOT_READ}` : `a ${JSON.stringify(sp?.contentType)} schema (OpenAPI 3.0 components are read); ${CONTRACT_NOT_READ}`);
  }
  if (!read.schemaLost && read.components) api.components = read.components;
}

/** The resource graph anygate synth writes (and `pulumi stack export`-like lists of { type, inputs }). */
function fromResourceGraph(file: string, list: unknown[], svc: Service, log: FindingLog): void {
  const byType = (t: string) => list.map((r, i) => ({ r: obj(r) ?? {}, i })).filter(({ r }) => r.type === t);
  for (const { r, i } of byType('azure-native:apimanagement:Api')) {
    const p = obj(r.inputs) ?? {};
    const apiId = str(p.apiId) ?? `api-${i}`;
    const api: ApimApi = { id: apiId, file, at: pointer([i]), displayName: str(p.displayName), path: str(p.path), serviceUrl: str(p.serviceUrl), subscriptionRequired: p.subscriptionRequired !== false, keyHeader: str(obj(p.subscriptionKeyParameterNames)?.header), keyQuery: str(obj(p.subscriptionKeyParameterNames)?.query), operations: [], description: str(p.description), kind: 'http' };
    const policies = new Map<string, Doc>();
    for (const { r: pr, i: pi } of byType('azure-native:apimanagement:ApiOperationPolicy')) {
      const pp = obj(pr.inputs) ?? {};
      if (pp.apiId === apiId) policies.set(String(pp.operationId), { text: String(pp.value ?? ''), file, at: pointer([pi, 'inputs', 'value']) });
    }
    for (const { r: or, i: oi } of byType('azure-native:apimanagement:ApiOperation')) {
      const op = obj(or.inputs) ?? {};
      if (op.apiId !== apiId) continue;
      const shown = str(op.displayName);
      api.operations.push({ id: String(op.operationId), method: String(op.method), urlTemplate: String(op.urlTemplate), file, at: pointer([oi]), policy: policies.get(String(op.operationId)), description: str(op.description) ?? (shown && shown !== `${op.method === '*' ? 'ANY' : op.method} ${String(op.urlTemplate).replace(/\{\*([^}]+)\}/g, '{$1+}')}` && shown !== `${op.method} ${op.urlTemplate}` ? shown : undefined) });
    }
    const ops = byType('azure-native:apimanagement:ApiOperation').filter(({ r: or }) => obj(or.inputs)?.apiId === apiId);
    const schemas = byType('azure-native:apimanagement:ApiSchema').filter(({ r: sr }) => obj(sr.inputs)?.apiId === apiId);
    attachContract(api, ops.map(({ r: or, i: oi }) => ({ inputs: obj(or.inputs) ?? {}, at: pointer([oi, 'inputs']) })), schemas.map(({ r: sr, i: si }) => ({ inputs: obj(sr.inputs) ?? {}, at: pointer([si]) })), file, log);
    for (const { r: pr, i: pi } of byType('azure-native:apimanagement:ApiPolicy')) if (obj(pr.inputs)?.apiId === apiId) api.policy = { text: String(obj(pr.inputs)?.value ?? ''), file, at: pointer([pi, 'inputs', 'value']) };
    svc.apis.push(api);
  }
  for (const { r, i } of byType('azure-native:apimanagement:Backend')) {
    const p = obj(r.inputs) ?? {};
    svc.backends.set(String(p.backendId), { url: str(p.url), file, at: pointer([i]) });
  }
  for (const { r, i } of byType('azure-native:apimanagement:NamedValue')) {
    const p = obj(r.inputs) ?? {};
    svc.namedValues.set(String(p.displayName ?? p.namedValueId), { value: str(p.value), secret: p.secret === true });
    log.mapped(file, pointer([i]), 'named value', 'resolved where policies use it');
  }
  for (const { r, i } of byType('azure-native:apimanagement:Subscription')) {
    const p = obj(r.inputs) ?? {};
    const scope = /^<(.+)\.id>$/.exec(String(p.scope ?? ''))?.[1];
    const product = scope ? obj(list.map(obj).find((x) => x?.name === scope)?.inputs)?.productId : undefined;
    if (typeof product === 'string') svc.subscriptions.push({ name: String(p.displayName ?? p.sid), product, file, at: pointer([i]), sid: str(p.sid) });
    else log.lost(file, pointer([i]), 'subscription', 'not scoped to a product in this graph');
  }
  for (const { r, i } of byType('azure-native:apimanagement:Product')) {
    const p = obj(r.inputs) ?? {};
    const id = String(p.productId);
    const apis = byType('azure-native:apimanagement:ProductApi').filter(({ r: x }) => obj(x.inputs)?.productId === id).map(({ r: x }) => String(obj(x.inputs)?.apiId));
    const pol = byType('azure-native:apimanagement:ProductPolicy').find(({ r: x }) => obj(x.inputs)?.productId === id);
    svc.products.push({ id, file, at: pointer([i]), apis, policy: pol ? { text: String(obj(pol.r.inputs)?.value ?? ''), file, at: pointer([pol.i, 'inputs', 'value']) } : undefined, description: str(p.description), subscriptionRequired: p.subscriptionRequired !== false });
  }
}

/** ARM templates: Microsoft.ApiManagement/service/apis (+ operations, policies, backends, products). */
function fromArm(file: string, doc: Json, svc: Service, log: FindingLog, used: Set<string>): void {
  const resources: { r: Json; at: string }[] = [];
  const collect = (list: unknown, at: string) =>
    arr(list).forEach((r, i) => {
      const o = obj(r) ?? {};
      resources.push({ r: o, at: `${at}/${i}` });
      if (o.resources) collect(o.resources, `${at}/${i}/resources`);
    });
  collect(doc.resources, '/resources');
  const lit = (v: unknown) => {
    const s = str(v);
    if (!s) return undefined;
    const concat = /^\[concat\('(.*)'\)\]$/s.exec(s);
    return concat ? concat[1].replace(/''/g, "'") : s.startsWith('[') ? undefined : s;
  };
  for (const { r, at } of resources) {
    const type = str(r.type) ?? '';
    const p = obj(r.properties) ?? {};
    const name = String(r.name ?? '');
    if (/apis$/i.test(type)) {
      const id = /'\/([^/']+)'\)\]?$/.exec(name)?.[1] ?? name.split('/').pop() ?? name;
      const api: ApimApi = { id, file, at, displayName: lit(p.displayName), path: lit(p.path), serviceUrl: lit(p.serviceUrl), subscriptionRequired: p.subscriptionRequired !== false, operations: [], description: lit(p.description), kind: str(p.apiType) ?? 'http' };
      const value = lit(p.value);
      const format = String(p.format ?? '');
      if (value && /^(openapi|swagger)/i.test(format) && !/link$/i.test(format)) {
        // The value's format says its syntax: openapi is YAML, the others JSON.
        const parseAs = /json/i.test(format) ? 'value.json' : 'value.yaml';
        const parsedValue = parseData(value, parseAs);
        const d = parsedValue.ok ? obj(parsedValue.docs[0]) : undefined;
        if (isOpenApi(d)) {
          api.operations = specOperations(d!, file).map((o) => ({ ...o, at: `${at}/properties/value` }));
          api.specification = { file, text: value, at: `${at}/properties/value`, parseAs };
        } else log.lost(file, `${at}/properties/value`, 'inline API specification', `${parsedValue.ok ? 'not an OpenAPI document' : parsedValue.error}; its operations and contract are not read`);
      } else if (p.value !== undefined) log.lost(file, `${at}/properties/value`, 'API specification', `format ${JSON.stringify(p.format)}: ${/link$/i.test(format) ? 'a link is not followed; put the document beside the template and import it' : 'only inline OpenAPI and Swagger definitions are read'}`);
      svc.apis.push(api);
      log.mapped(file, at, 'Microsoft.ApiManagement/service/apis', 'the gateway');
    }
  }
  const armOps = new Map<ApimApi, { inputs: Json; at: string }[]>();
  const armSchemas = new Map<ApimApi, { inputs: Json; at: string }[]>();
  for (const { r, at } of resources) {
    const type = str(r.type) ?? '';
    const p = obj(r.properties) ?? {};
    const name = String(r.name ?? '');
    const apiOf = () => svc.apis.find((a) => name.includes(`/${a.id}/`) || name.includes(`'/${a.id}/`) || name.includes(`${a.id}/`)) ?? svc.apis[svc.apis.length - 1];
    if (/apis\/operations$/i.test(type)) {
      const api = apiOf();
      const opId = /\/([^/']+)'\)\]?$/.exec(name)?.[1] ?? name.split('/').pop() ?? name;
      if (api) {
        api.operations.push({ id: opId, method: String(p.method ?? 'GET').toUpperCase(), urlTemplate: String(p.urlTemplate ?? '/'), file, at, description: lit(p.description) });
        armOps.set(api, [...(armOps.get(api) ?? []), { inputs: { ...p, operationId: opId }, at: `${at}/properties` }]);
      }
    } else if (/apis\/schemas$/i.test(type)) {
      const api = apiOf();
      const schemaId = /\/([^/']+)'\)\]?$/.exec(name)?.[1] ?? name.split('/').pop() ?? name;
      const document = obj(p.document) ?? {};
      if (api) armSchemas.set(api, [...(armSchemas.get(api) ?? []), { inputs: { schemaId, contentType: p.contentType, components: document.components }, at }]);
    } else if (/apis\/policies$/i.test(type)) {
      const api = apiOf();
      const text = lit(p.policyContent ?? p.value);
      if (api && text) api.policy = { text: text.replace(/\\r\\n|\r\n/g, '\n'), file, at: `${at}/properties` };
      else log.lost(file, at, 'API policy', 'the policy content is an ARM expression or a link; export the API with the APIOps extractor instead');
    } else if (/apis\/operations\/policies$/i.test(type)) {
      const api = apiOf();
      const opId = /operations\/([^/']+)\//.exec(name)?.[1] ?? /\/([^/]+)\/policy/.exec(name)?.[1];
      const text = lit(p.policyContent ?? p.value);
      const i = api?.operations.findIndex((o) => o.id === opId) ?? -1;
      if (api && text && i >= 0) api.operations[i] = { ...api.operations[i], policy: { text: text.replace(/\\r\\n|\r\n/g, '\n'), file, at: `${at}/properties` } };
      else log.lost(file, at, 'operation policy', 'the policy content is an ARM expression or a link, or its operation is not in this template');
    } else if (/\/backends$/i.test(type)) svc.backends.set(name.split('/').pop()!.replace(/'\)\]$/, ''), { url: lit(p.url), file, at });
    else if (/\/products$/i.test(type)) svc.products.push({ id: name.split('/').pop()!.replace(/'\)\]$/, ''), file, at, apis: [], description: lit(p.description), subscriptionRequired: p.subscriptionRequired !== false });
    else if (/\/namedValues$|\/properties$/i.test(type)) svc.namedValues.set(String(lit(p.displayName) ?? name), { value: lit(p.value), secret: p.secret === true });
    else if (/^Microsoft\.ApiManagement\/service\/(apis|apis\/operations)$/i.test(type)) continue;
    else if (/^Microsoft\.ApiManagement/i.test(type)) log.lost(file, at, type, `${type.replace(/^Microsoft\.ApiManagement\/service\/?/, '') || 'the service itself'} has no anygate equivalent (or is read from an APIOps export)`);
    else if (type === 'Microsoft.Resources/deployments') log.lost(file, at, 'linked deployment', 'linked templates (templateLink) are not followed; import the linked template itself');
  }
  for (const api of new Set([...armOps.keys(), ...armSchemas.keys()])) attachContract(api, armOps.get(api) ?? [], armSchemas.get(api) ?? [], file, log);
  used.add(file);
}

function fromLoose(tree: SourceTree, parsed: Map<string, Json>, svc: Service, used: Set<string>): void {
  const specs = [...parsed].filter(([f, d]) => !used.has(f) && isOpenApi(d));
  const policies = [...tree.files.keys()].filter((f) => /\.xml$/i.test(f) && !used.has(f));
  if (!specs.length && !policies.length) return;
  const [specFile, doc] = specs[0] ?? [];
  if (specFile) used.add(specFile);
  const policy = policies.find((f) => /(^|\/)policy\.xml$/i.test(f)) ?? policies[policies.length - 1];
  if (policy) used.add(policy);
  const info = obj(doc?.info);
  const servers = arr(doc?.servers);
  svc.apis.push({
    id: specFile ?? policy ?? 'api',
    file: specFile ?? policy!,
    at: '',
    displayName: str(info?.title),
    serviceUrl: str(obj(servers[0])?.url),
    subscriptionRequired: false,
    operations: doc ? specOperations(doc, specFile!) : [{ id: 'all', method: 'ANY', urlTemplate: '/{path+}', file: policy!, at: '', description: 'every request (the policy applies to the whole API)' }],
    ...(doc ? { specification: { file: specFile!, text: tree.files.get(specFile!)!, at: '' } } : {}),
    policy: policy ? { text: tree.files.get(policy)!, file: policy, at: '' } : undefined,
    kind: 'http',
  });
}

/** Builds the spec from the chosen API. */
function build(api: ApimApi, svc: Service, options: AdoptOptions, log: FindingLog): Json {
  // anygate's own output: API id `<name>-<stage>`, display name `<name> (<stage>)`, path `<stage><basePath>`.
  const own = /^(.+) \(([^)]+)\)$/.exec(api.displayName ?? '');
  const ownStage = own && api.id === `${own[1]}-${own[2]}` ? own[2] : undefined;
  const draft = new SpecDraft(options.name ?? (ownStage ? own![1] : undefined) ?? api.displayName ?? api.id, log);
  if (ownStage) draft.stages[ownStage] = {};
  if (api.description) draft.description = api.description;
  if (api.components) draft.components = api.components;
  const apiPath = ownStage && api.path ? api.path.replace(new RegExp(`^${ownStage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), '') : api.path;
  if (apiPath) {
    const bp = `/${apiPath.replace(/^\/+|\/+$/g, '')}`;
    if (bp !== '/' && /^(\/[A-Za-z0-9._~-]+)+$/.test(bp)) draft.basePath = bp;
    else if (bp !== '/') log.lost(api.file, `${api.at}/path`, 'API URL suffix', `${JSON.stringify(api.path)} is not a plain path prefix; set basePath by hand`);
  }
  if (api.kind !== 'http' && api.kind !== 'openapi') log.lost(api.file, api.at, `${api.kind} API`, `a ${api.kind} API has no anygate equivalent beyond its HTTP operations`);
  // anygate writes the stage's variables as named values `<api>-var-<name>` (and inlines them).
  const stageVariables: Record<string, string> = {};
  if (ownStage) {
    for (const [id, nv] of svc.namedValues) {
      const m = id.startsWith(`${api.id}-var-`) ? id.slice(`${api.id}-var-`.length) : undefined;
      if (m && nv.value !== undefined && !nv.secret && /^[a-z0-9-]+$/.test(m)) stageVariables[m.replace(/-/g, '_')] = nv.value;
    }
    // A variable name with `-` or capitals is written lower-cased with `-`: a name read back is the model's (`[A-Za-z0-9_]`) form.
    if (Object.keys(stageVariables).length) draft.stages[ownStage] = { variables: stageVariables };
  }
  const ctxBase = { draft, log, namedValues: svc.namedValues as NamedValues, fragments: svc.fragments, stageVariables };
  // The parent scopes' findings wait until it is known which operations each of their sections reaches.
  const globalScope = new ScopeFindings();
  const apiScope = new ScopeFindings();
  const global = svc.globalPolicy ? readPolicy(svc.globalPolicy.text, svc.globalPolicy.at, { ...ctxBase, file: svc.globalPolicy.file, scope: 'global', sectionLog: globalScope.sectionLog }) : undefined;
  const keyNames = { header: api.keyHeader, query: api.keyQuery };
  const apiFx = api.policy ? readPolicy(api.policy.text, api.policy.at, { ...ctxBase, keyNames, file: api.policy.file, scope: 'api', sectionLog: apiScope.sectionLog }) : undefined;
  /** Per section, the operations whose policy chain reaches the global (and product) scope, and why not. */
  const reachesGlobal: Record<Section, Set<string>> = { inbound: new Set(), outbound: new Set(), backend: new Set() };
  const missesGlobal: Record<Section, Map<string, string>> = { inbound: new Map(), outbound: new Map(), backend: new Map() };
  const url = usableUrl(api.serviceUrl);
  if (api.serviceUrl && !url) log.partial(api.file, `${api.at}/serviceUrl`, 'service URL', 'backends', `${api.serviceUrl} is not an https URL anygate calls; the backend is a placeholder (https://backend.invalid)`);
  const backendFor = (fx: (PolicyEffects | undefined)[]): string => {
    const last = [...fx].reverse().find((f) => f?.mock || f?.backendId || f?.backendUrl);
    if (last?.mock) {
      const def: Json = { type: 'mock', statusCode: last.mock.statusCode };
      if (last.mock.body !== undefined) def.body = last.mock.body;
      // With a cors policy the CORS headers on the answer are the cors setting's (synth writes them),
      // and a JSON body's Content-Type is the body's.
      const cors = [...fx].some((f) => f?.cors);
      const json = last.mock.body !== undefined && typeof last.mock.body === 'object';
      const headers = Object.fromEntries(Object.entries(last.mock.headers).filter(([k, v]) => !(cors && /^(access-control-|vary$)/i.test(k)) && !(json && /^content-type$/i.test(k) && v === 'application/json')));
      if (Object.keys(headers).length) def.headers = headers;
      return draft.backend(`mock-${last.mock.statusCode}`, def);
    }
    if (last?.backendId) {
      const b = svc.backends.get(last.backendId);
      // anygate's resource graph names a function backend's URL `<binding NAME url>` until deployment.
      const fn = b?.url ? /^<binding ([A-Za-z0-9-]+) url>$/.exec(b.url) : null;
      if (fn) {
        log.mapped(b!.file, b!.at, 'function backend', `backends (${fn[1]})`);
        const hint = last.backendId.startsWith(`${api.id}-`) ? last.backendId.slice(api.id.length + 1) : last.backendId;
        return draft.backend(hint.replace(/^fn-/, ''), { type: 'function', binding: fn[1] });
      }
      const u = usableUrl(b?.url);
      if (b) log.mapped(b.file, b.at, 'backend', `backends (${last.backendId})`);
      else log.lost(api.file, api.at, 'backend reference', `backend ${JSON.stringify(last.backendId)} is not in the import; its URL is a placeholder`);
      return draft.backend(last.backendId.startsWith(`${api.id}-`) ? last.backendId.slice(api.id.length + 1) : last.backendId, { type: 'http', url: u ?? PLACEHOLDER_URL });
    }
    if (last?.backendUrl) return draft.backend('backend', { type: 'http', url: usableUrl(last.backendUrl) ?? PLACEHOLDER_URL });
    return draft.backend('backend', { type: 'http', url: url ?? PLACEHOLDER_URL });
  };
  let keyName: string | undefined;
  if (api.subscriptionRequired) {
    keyName = 'subscription';
    draft.authorizers[keyName] = { type: 'apiKey', in: 'header', name: api.keyHeader ?? 'Ocp-Apim-Subscription-Key' };
    log.partial(api.file, `${api.at}/subscriptionRequired`, 'subscription required', `authorizers.${keyName}`, `API Management also accepts the key in the query parameter ${api.keyQuery ?? 'subscription-key'}; the spec reads the header only`);
  }
  for (const op of api.operations) {
    const opFx = op.policy ? readPolicy(op.policy.text, op.policy.at, { ...ctxBase, keyNames, file: op.policy.file, scope: 'operation' }) : undefined;
    // Each section's <base/> brings the enclosing scope's same section in (API Management runs no
    // parent rule of a section that omits it); a document without the section inherits it whole.
    const inherits = (fx: PolicyEffects | undefined, s: Section) => !fx || (s === 'inbound' ? fx.inheritsInbound : s === 'outbound' ? fx.inheritsOutbound : fx.inheritsBackend);
    const chains = {} as Record<Section, (PolicyEffects | undefined)[]>;
    for (const s of SECTIONS) {
      const apiIn = inherits(opFx, s);
      const globalIn = apiIn && inherits(apiFx, s);
      chains[s] = [...(globalIn ? [global] : []), ...(apiIn ? [apiFx] : []), opFx];
      const omits = `<${s}> omits <base/>`;
      if (apiIn) {
        apiScope.reach(s, op.id);
      } else apiScope.miss(s, op.id, `their policy's ${omits}`);
      if (globalIn) {
        globalScope.reach(s, op.id);
        reachesGlobal[s].add(op.id);
      } else {
        const why = apiIn ? `the API policy ${api.policy!.file} ${omits}` : `their policy's ${omits}`;
        globalScope.miss(s, op.id, why);
        missesGlobal[s].set(op.id, why);
      }
    }
    const chain = chains.inbound;
    const path = op.urlTemplate.split('?')[0].replace(/\{\*([^}]+)\}/g, '{$1+}').replace(/\/+$/, '') || '/';
    if (!keyName && chain.some((f) => f?.requiresSubscription)) {
      keyName = SpecDraft.nameIn('subscription', draft.authorizers, 'key');
      draft.authorizers[keyName] = { type: 'apiKey', in: 'header', name: api.keyHeader ?? 'Ocp-Apim-Subscription-Key' };
    }
    const needsKey = keyName && (api.subscriptionRequired || chain.some((f) => f?.requiresSubscription));
    const auth = [...(needsKey ? [keyName!] : []), ...chain.flatMap((f) => f?.auth ?? [])];
    const alternatives = [...chain].reverse().find((f) => f?.alternatives)?.alternatives;
    const route: Json & { method: string; path: string } = { id: op.id, method: op.method === '*' ? 'ANY' : op.method.toUpperCase(), path, backend: backendFor(chain), auth: alternatives ?? (auth.length ? [[...new Set(auth)]] : 'none') };
    const scopes = [...new Set(chain.flatMap((f) => f?.scopes ?? []))];
    if (scopes.length) route.scopes = scopes;
    const pick = <K extends keyof PolicyEffects>(k: K) => [...chain].reverse().find((f) => f?.[k] !== undefined)?.[k];
    if (pick('rateLimit')) route.rateLimit = pick('rateLimit');
    if (pick('cache')) route.cache = pick('cache');
    const timeoutMs = [...chains.backend].reverse().find((f) => f?.timeoutMs !== undefined)?.timeoutMs;
    if (timeoutMs && timeoutMs !== 29000) route.timeoutMs = timeoutMs;
    const request: Json = {};
    const response: Json = {};
    for (const f of chains.outbound) {
      if (!f) continue;
      if (f.response.redact) response.redact = f.response.redact;
      if (Object.keys(f.response.setHeaders).length) response.setHeaders = { ...(response.setHeaders as Json), ...f.response.setHeaders };
      if (f.response.removeHeaders.length) response.removeHeaders = [...new Set([...((response.removeHeaders as string[]) ?? []), ...f.response.removeHeaders])];
    }
    for (const f of chain) {
      if (!f) continue;
      if (Object.keys(f.request.setHeaders).length) request.setHeaders = { ...(request.setHeaders as Json), ...f.request.setHeaders };
      if (f.request.removeHeaders.length) request.removeHeaders = [...new Set([...((request.removeHeaders as string[]) ?? []), ...f.request.removeHeaders])];
      if (Object.keys(f.request.setQuery).length) request.setQuery = { ...(request.setQuery as Json), ...f.request.setQuery };
      if (f.request.removeQuery.length) request.removeQuery = [...new Set([...((request.removeQuery as string[]) ?? []), ...f.request.removeQuery])];
      if (f.request.rewritePath) request.rewritePath = f.request.rewritePath;
      if (f.request.body !== undefined) request.body = f.request.body;
    }
    if (Object.keys(request).length || Object.keys(response).length) route.transform = { ...(Object.keys(request).length ? { request } : {}), ...(Object.keys(response).length ? { response } : {}) };
    if (op.description) route.description = op.description;
    if (op.contract) route.contract = op.contract;
    declaredParts(route, op, chain, draft, log);
    const i = draft.addRoute(route, { file: op.file, at: op.at }, `${op.method} ${op.urlTemplate}`);
    if (i !== undefined) log.mapped(op.file, op.at, 'operation', `routes[${i}]`);
    for (const f of chain) {
      if (f?.cors) draft.cors = f.cors;
      if (f?.ipRules) draft.ipRules = { allow: [...new Set([...(draft.ipRules?.allow ?? []), ...f.ipRules.allow])], deny: [...new Set([...(draft.ipRules?.deny ?? []), ...f.ipRules.deny])] };
    }
  }
  // The API's own definition holds its contract: read onto the routes its operations became.
  if (api.specification) readOpenApiContract(draft, api.specification.file, api.specification.text, { unserved: 'no operation of the API is', base: api.specification.at, parseAs: api.specification.parseAs });
  globalScope.settle(log);
  apiScope.settle(log);
  for (const p of svc.products) {
    if (!p.apis.includes(api.id)) continue;
    const name = SpecDraft.nameIn(p.id.startsWith(`${api.id}-`) ? p.id.slice(api.id.length + 1) : p.id, draft.plans, 'plan');
    // A product's policy runs between the global and the API scope: where the global one does.
    const productScope = new ScopeFindings(name);
    for (const s of SECTIONS) {
      for (const op of reachesGlobal[s]) productScope.reach(s, op);
      for (const [op, why] of missesGlobal[s]) productScope.miss(s, op, why);
    }
    const fx = p.policy ? readPolicy(p.policy.text, p.policy.at, { ...ctxBase, file: p.policy.file, scope: 'product', sectionLog: productScope.sectionLog }) : undefined;
    productScope.settle(log);
    const plan: Json = {};
    if (p.description) plan.description = p.description;
    // A quota or limit no operation's policy reaches is not enforced: the plan leaves it out too.
    if (fx?.quota && reachesGlobal.inbound.size) plan.quota = fx.quota;
    if (fx?.rateLimit && reachesGlobal.inbound.size) plan.rateLimit = fx.rateLimit;
    draft.plans[name] = plan;
    log.mapped(p.file, p.at, 'product', `plans.${name}`);
    for (const sub of svc.subscriptions.filter((x) => x.product === p.id)) {
      // anygate's subscription id is `<api id>-<consumer>`, its display name the consumer's description.
      const own = sub.sid?.startsWith(`${api.id}-`) ? sub.sid.slice(api.id.length + 1) : undefined;
      const c = SpecDraft.nameIn(own ?? sub.name, draft.consumers, 'consumer');
      draft.consumers[c] = { plan: name, ...(own && sub.name !== own ? { description: sub.name } : {}) };
      log.mapped(sub.file, sub.at, 'subscription', `consumers.${c} (its keys stay in API Management)`);
    }
    if (!keyName && p.subscriptionRequired) {
      keyName = 'subscription';
      draft.authorizers[keyName] = { type: 'apiKey', in: 'header', name: api.keyHeader ?? 'Ocp-Apim-Subscription-Key' };
    }
  }
  if (Object.keys(draft.plans).length && !Object.values(draft.authorizers).some((a) => a.type === 'apiKey')) {
    draft.authorizers.subscription = { type: 'apiKey', in: 'header', name: api.keyHeader ?? 'Ocp-Apim-Subscription-Key' };
  }
  if (options.name) draft.name = options.name;
  draft.name = SpecDraft.nameIn(draft.name, {}, 'api');
  return draft.toInput();
}

/** The header and query locations of the credentials `route`'s authorizers read (lower-case header names). */
function credentialKeys(route: Json, draft: SpecDraft): Set<string> {
  const out = new Set<string>();
  const names = route.auth === 'none' ? [] : (route.auth as string[][]).flat();
  for (const n of new Set(names)) {
    const a = draft.authorizers[n] ?? {};
    if (a.type === 'apiKey') out.add(a.in === 'query' ? `query:${String(a.name)}` : `header:${String(a.name).toLowerCase()}`);
    else out.add(`header:${String(a.header ?? 'Authorization').toLowerCase()}`);
  }
  return out;
}

/**
 * What the operation's declared parameters and the policy's validation say together: a required
 * plain parameter `validate-parameters` checks is `validation.requiredQuery` / `requiredHeaders`;
 * a plain optional one the cache key names is the cache's; every other one is the contract's.
 * `validate-content` with the route's own JSON body type makes that type `validation.bodySchema`.
 * The caller's credentials in a cache key are anygate's own key parts (rule 8 of docs/model.md),
 * not the spec's `cache.key`.
 */
function declaredParts(route: Json, op: ApimOperation, chain: (PolicyEffects | undefined)[], draft: SpecDraft, log: FindingLog): void {
  const checksParams = chain.some((f) => f?.validatesParameters);
  const checksContent = chain.some((f) => f?.validatesContent);
  const validation: Json = {};
  const params = new Set((op.parameters ?? []).map((p) => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`));
  const cache = obj(route.cache);
  if (cache && route.auth !== 'none') {
    const creds = credentialKeys(route, draft);
    const key = obj(cache.key) ?? {};
    const headers = arr(key.headers).filter((h) => !creds.has(`header:${String(h).toLowerCase()}`) || params.has(`header:${String(h).toLowerCase()}`));
    const query = arr(key.query).filter((q) => !creds.has(`query:${String(q)}`) || params.has(`query:${String(q)}`));
    const k = { ...(query.length ? { query } : {}), ...(headers.length ? { headers } : {}) };
    route.cache = { ...cache, ...(Object.keys(k).length ? { key: k } : { key: undefined }) };
    if (!Object.keys(k).length) delete (route.cache as Json).key;
  }
  const cacheKey = obj(obj(route.cache)?.key) ?? {};
  const inKey = (p: ApimDeclaredParameter) => arr(p.in === 'query' ? cacheKey.query : cacheKey.headers).some((n) => (p.in === 'header' ? String(n).toLowerCase() === p.name.toLowerCase() : n === p.name));
  const contract: Json = { ...(obj(route.contract) ?? {}) };
  const declared: Json[] = [];
  for (const p of op.parameters ?? []) {
    const at = `${op.inputsAt}${p.where}`;
    if (p.in === 'path' && p.plain && p.required) {
      log.mapped(op.file, at, 'template parameter', 'the route path');
    } else if (p.in !== 'path' && p.plain && p.required && checksParams) {
      const k = p.in === 'query' ? 'requiredQuery' : 'requiredHeaders';
      validation[k] = [...arr(validation[k]), p.name];
      log.mapped(op.file, at, `required ${p.in} parameter`, `routes[].validation.${k}`);
    } else if (p.in !== 'path' && p.plain && !p.required && inKey(p)) {
      log.mapped(op.file, at, `${p.in} parameter of the cache key`, 'routes[].cache.key');
    } else {
      declared.push(p.parameter);
      log.mapped(op.file, at, `declared ${p.in} parameter`, 'routes[].contract.parameters');
    }
  }
  if (declared.length) contract.parameters = [...arr(contract.parameters), ...declared];
  // The route's own body type under validate-content is what validation checks.
  const body = obj(obj(obj(obj(contract.requestBody)?.content)?.['application/json'])?.schema);
  if (checksContent && body && typeof body.$ref !== 'string' && Object.keys(obj(contract.requestBody)!.content as Json).length === 1) {
    validation.bodySchema = body;
    delete contract.requestBody;
  }
  if (Object.keys(validation).length) route.validation = { ...(obj(route.validation) ?? {}), ...validation };
  if (Object.keys(contract).length) route.contract = contract;
  else delete route.contract;
}

/** Imports one API from an Azure API Management source tree. */
export function readAzure(tree: SourceTree, options: AdoptOptions = {}): AdoptResult {
  const log = new FindingLog();
  const parsed = new Map<string, Json>();
  const graphs: [string, unknown[]][] = [];
  for (const [file, text] of tree.files) {
    if (!/\.(ya?ml|json)$/i.test(file)) continue;
    const p = parseData(text, file);
    if (!p.ok) log.lost(file, '', 'file', `${p.error}; fix the file and import again`);
    else if (Array.isArray(p.docs[0])) graphs.push([file, p.docs[0]]);
    else if (obj(p.docs[0])) parsed.set(file, obj(p.docs[0])!);
  }
  const svc: Service = { apis: [], products: [], backends: new Map(), namedValues: new Map(), fragments: new Map(), subscriptions: [] };
  const used = new Set<string>();
  for (const [file, list] of graphs) {
    if (list.some((r) => String(obj(r)?.type ?? '').startsWith('azure-native:apimanagement:'))) {
      fromResourceGraph(file, list, svc, log);
      used.add(file);
    }
  }
  fromApiOps(tree, parsed, log, svc, used);
  for (const [file, doc] of parsed) if (!used.has(file) && arr(doc.resources).length && String(doc.$schema ?? '').includes('deploymentTemplate')) fromArm(file, doc, svc, log, used);
  if (!svc.apis.length) fromLoose(tree, parsed, svc, used);
  if (!svc.apis.length) throw new AnygateError(`${tree.root}: no API Management API found (an APIOps extractor tree with apis/<name>/apiInformation.json, an ARM template, an OpenAPI file or a policy.xml); extract one with the APIOps extractor (see docs/adopt.md)`);
  const chosen = options.api ? svc.apis.find((a) => a.id === options.api || a.displayName === options.api) : [...svc.apis].sort((a, b) => b.operations.length - a.operations.length || (a.id < b.id ? -1 : 1))[0];
  if (!chosen) throw new AnygateError(`${tree.root}: no API ${JSON.stringify(options.api)}; the APIs found are ${svc.apis.map((a) => a.id).join(', ')}`);
  for (const a of svc.apis) if (a !== chosen) log.lost(a.file, a.at, 'another API', `one spec holds one API: import it with --api ${JSON.stringify(a.id)}`);
  if (!chosen.operations.length) {
    chosen.operations.push({ id: 'all', method: 'ANY', urlTemplate: '/{path+}', file: chosen.file, at: chosen.at });
    log.lost(chosen.file, chosen.at, 'API without operations', 'no operations were found; the spec has one catch-all route ANY /{path+}');
  }
  const input = build(chosen, svc, options, log);
  for (const f of tree.files.keys()) if (!used.has(f) && !log.reported(f)) log.lost(f, '', 'file', 'not read: no part of the chosen API refers to it (loggers, diagnostics, tags, subscriptions, version sets, fragments and Bicep are not imported)');
  return { platform: 'azure', input, findings: log.findings() };
}
