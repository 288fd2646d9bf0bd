/**
 * The ApimPlan as a declarative resource list (providers/shared/resources): what AzureApimGateway
 * creates and what `anygate synth` writes to resources.json, with no Pulumi runtime. Names are
 * relative to the component (it prefixes its own name). Every write that locks the Api (schema,
 * policies, operations, product links, diagnostic) depends on the previous one: API Management
 * answers concurrent writes to one Api with 409.
 */
import { argRef, jsonRef, resourceRef, secretRef, type PlannedResource, type PlanValue } from '../shared/resources';
import { openApiValue } from './openapi-import';
import { SCHEMA_ID } from './contract';
import { mcpResources } from './mcp';
import type { ApimBackend, ApimPlan } from './plan';
import { canonical } from '../../lib/model/normalize';

/** Type tokens, each made once (one string per type rather than one per resource). */
const TYPES = new Map<string, string>();
const T = (t: string): string => {
  let token = TYPES.get(t);
  if (token === undefined) TYPES.set(t, (token = `azure-native:apimanagement:${t}`));
  return token;
};
const base = { resourceGroupName: argRef('resourceGroupName'), serviceName: argRef('serviceName') };

type Draft = Omit<ApimPlan, 'resources'>;

export interface ResourceOptions {
  readonly applicationInsights: boolean;
  /** `openapi`: the Api carries every operation in one OpenAPI value. @default 'operations' */
  readonly apiDefinition?: 'operations' | 'openapi';
}

function backendInputs(b: ApimBackend): Record<string, PlanValue> {
  return {
    ...base,
    backendId: b.id,
    protocol: 'http',
    type: b.type,
    ...(b.url !== undefined ? { url: b.url } : {}),
    ...(b.pool ? { pool: { services: b.pool.map((m) => ({ id: resourceRef(`backend-${m.key}`, 'id'), weight: m.weight })) } } : {}),
    ...(b.credentialHeaders ? { credentials: { header: Object.fromEntries(Object.entries(b.credentialHeaders).map(([k, v]) => [k, [v]])) } } : {}),
    ...(b.circuitBreaker
      ? { circuitBreaker: { rules: [{ name: 'anygate', failureCondition: { count: b.circuitBreaker.failures, interval: `PT${b.circuitBreaker.intervalSeconds}S`, statusCodeRanges: [{ min: 500, max: 599 }] }, tripDuration: `PT${b.circuitBreaker.tripSeconds}S` }] } }
      : {}),
  };
}

/** Service-level resources: named values, backends, the version set. */
function serviceResources(plan: Draft): PlannedResource[] {
  const out: PlannedResource[] = [];
  for (const nv of plan.namedValues) out.push({ type: T('NamedValue'), name: `nv-${nv.id}`, inputs: { ...base, namedValueId: nv.id, displayName: nv.id, value: nv.value, secret: nv.secret }, dependsOn: [] });
  for (const b of plan.backends) {
    const deps = [...(b.pool ?? []).map((m) => `backend-${m.key}`), ...(b.credentialHeaders ? plan.namedValues.filter((nv) => Object.values(b.credentialHeaders!).some((v) => v === `{{${nv.id}}}`)).map((nv) => `nv-${nv.id}`) : [])];
    out.push({ type: T('Backend'), name: `backend-${b.key}`, inputs: backendInputs(b), dependsOn: deps.sort() });
  }
  if (plan.versionSet) out.push({ type: T('ApiVersionSet'), name: 'versions', inputs: { ...base, versionSetId: plan.versionSet.id, displayName: plan.versionSet.displayName, versioningScheme: plan.versionSet.scheme, ...(plan.versionSet.headerName ? { versionHeaderName: plan.versionSet.headerName } : {}), ...(plan.versionSet.queryName ? { versionQueryName: plan.versionSet.queryName } : {}) }, dependsOn: [] });
  return out;
}

function apiResource(plan: Draft, options: ResourceOptions): PlannedResource {
  const imported: Record<string, PlanValue> = options.apiDefinition === 'openapi' ? { format: 'openapi+json', value: openApiValue(plan.displayName, plan.version, plan.operations, plan.schemas) } : {};
  return {
    type: T('Api'),
    name: 'api',
    inputs: {
      ...base,
      apiId: plan.apiId,
      displayName: plan.displayName,
      path: plan.path,
      protocols: ['https'],
      ...(plan.description ? { description: plan.description } : {}),
      subscriptionRequired: plan.subscriptionRequired,
      ...(plan.subscriptionKeyParameterNames ? { subscriptionKeyParameterNames: plan.subscriptionKeyParameterNames } : {}),
      ...(plan.versionSet ? { apiVersion: plan.version, apiVersionSetId: resourceRef('versions', 'id') } : {}),
      ...(plan.revision ? { apiRevision: String(plan.revision.number), ...(plan.revision.isCurrent ? { isCurrent: true } : {}), ...(plan.revision.description ? { apiRevisionDescription: plan.revision.description } : {}) } : {}),
      ...(plan.revision && !plan.revision.isCurrent ? { sourceApiId: resourceRef('api', 'id') } : {}),
      ...imported,
    },
    dependsOn: plan.versionSet ? ['versions'] : [],
  };
}

/**
 * The writes that lock the Api, each as a (name, type, inputs, extra deps, inputs canonical as
 * built) step of one chain.
 */
type Step = [name: string, type: string, inputs: Record<string, PlanValue>, deps: string[], canonical?: boolean];
function apiWrites(plan: Draft, options: ResourceOptions): Step[] {
  const operations = options.apiDefinition !== 'openapi';
  const apiArgs = { ...base, apiId: plan.apiId };
  // Sorted and unique once: each step's dependsOn puts the previous write among them (chained).
  const policyDeps = [...new Set([...plan.namedValues.map((nv) => `nv-${nv.id}`), ...plan.backends.map((b) => `backend-${b.key}`)])].sort();
  const steps: Step[] = [];
  if (operations && Object.keys(plan.schemas).length) steps.push(['schema', 'ApiSchema', { ...apiArgs, schemaId: SCHEMA_ID, contentType: 'application/vnd.oai.openapi.components+json', components: { schemas: plan.schemas as PlanValue } }, []]);
  steps.push(['policy', 'ApiPolicy', { ...apiArgs, policyId: 'policy', format: 'rawxml', value: plan.apiPolicy }, policyDeps]);
  // Per operation (thousands): fields set one by one rather than through conditional spreads,
  // each of which builds an object to copy, and in sorted key order: the operation is canonical
  // (compile.ts `operation`), so these inputs are too, and need no canonical copy (canonical.ts).
  const representation = (r: { contentType: string; typeName?: string }): Record<string, PlanValue> => (r.typeName ? { contentType: r.contentType, schemaId: SCHEMA_ID, typeName: r.typeName } : { contentType: r.contentType });
  for (const op of plan.operations) {
    if (operations) {
      const request: Record<string, PlanValue> = { headers: op.headers as PlanValue, queryParameters: op.queryParameters as PlanValue };
      if (op.representations) request.representations = op.representations.map(representation);
      else if (op.bodySchema) request.representations = [{ contentType: 'application/json', schemaId: SCHEMA_ID, typeName: op.bodySchema }];
      const inputs: Record<string, PlanValue> = { apiId: plan.apiId };
      if (op.description) inputs.description = op.description;
      inputs.displayName = op.displayName;
      inputs.method = op.method;
      inputs.operationId = op.id;
      inputs.request = request;
      inputs.resourceGroupName = base.resourceGroupName;
      inputs.responses = (op.responses ?? []).map((r) => {
        const response: Record<string, PlanValue> = {};
        if (r.description !== undefined) response.description = r.description;
        if (r.representations) response.representations = r.representations.map(representation);
        response.statusCode = r.statusCode;
        return response;
      });
      inputs.serviceName = base.serviceName;
      inputs.templateParameters = op.templateParameters as PlanValue;
      inputs.urlTemplate = op.urlTemplate;
      steps.push([`op-${op.id}`, 'ApiOperation', inputs, [], true]);
    }
    if (op.policy) {
      const inputs = { apiId: plan.apiId, format: 'rawxml', operationId: op.id, policyId: 'policy', resourceGroupName: base.resourceGroupName, serviceName: base.serviceName, value: op.policy };
      steps.push([`op-${op.id}-policy`, 'ApiOperationPolicy', inputs, policyDeps, true]);
    }
  }
  for (const p of plan.products) steps.push([`product-${p.key}-api`, 'ProductApi', { ...base, productId: p.id, apiId: plan.apiId }, [`product-${p.key}`]]);
  if (plan.diagnostics && options.applicationInsights) {
    const d = plan.diagnostics;
    const sampling = { samplingType: 'fixed', percentage: d.sampling };
    steps.push(['diagnostic', 'ApiDiagnostic', { ...apiArgs, diagnosticId: 'applicationinsights', loggerId: resourceRef('logger', 'id'), alwaysLog: 'allErrors', verbosity: d.verbosity, sampling, httpCorrelationProtocol: d.tracing ? 'W3C' : 'None', logClientIp: true }, ['logger']]);
  }
  return steps;
}

function productResources(plan: Draft, options: ResourceOptions): PlannedResource[] {
  const out: PlannedResource[] = [];
  for (const p of plan.products) {
    out.push({ type: T('Product'), name: `product-${p.key}`, inputs: { ...base, productId: p.id, displayName: p.displayName, ...(p.description ? { description: p.description } : {}), subscriptionRequired: true, approvalRequired: false, state: 'published' }, dependsOn: [] });
    if (p.policy) out.push({ type: T('ProductPolicy'), name: `product-${p.key}-policy`, inputs: { ...base, productId: p.id, policyId: 'policy', format: 'rawxml', value: p.policy }, dependsOn: [`product-${p.key}`] });
  }
  const productId = new Map(plan.products.map((p) => [p.key, p.id]));
  for (const s of plan.subscriptions) {
    const inputs = { ...base, sid: s.id, displayName: s.displayName, scope: resourceRef(`product-${s.product}`, 'id'), state: 'active', ...(s.secretRef ? { primaryKey: secretRef(s.secretRef) } : {}) };
    if (productId.has(s.product)) out.push({ type: T('Subscription'), name: `sub-${s.key}`, inputs, dependsOn: [`product-${s.product}`] });
  }
  if (plan.diagnostics && options.applicationInsights) {
    const credentials = { instrumentationKey: argRef('applicationInsights.instrumentationKey') };
    out.push({ type: T('Logger'), name: 'logger', inputs: { ...base, loggerId: plan.diagnostics.loggerId, loggerType: 'applicationInsights', credentials, resourceId: argRef('applicationInsights.resourceId') }, dependsOn: [] });
  }
  return out;
}

/**
 * Azure Monitor: a log alert rule per objective window and the workbook, both over the access log
 * in the Application Insights resource the component is given (its id and location are arguments).
 */
function monitorResources(plan: Draft): PlannedResource[] {
  const out: PlannedResource[] = [];
  const ai = { resourceGroupName: argRef('resourceGroupName'), location: argRef('applicationInsights.location') };
  for (const a of plan.alerts ?? []) {
    const window = (m: number) => (m % 60 === 0 ? `PT${m / 60}H` : `PT${m}M`);
    out.push({
      type: 'azure-native:monitor:ScheduledQueryRule',
      name: `alert-${a.key}`,
      inputs: {
        ...ai,
        ruleName: `${plan.apiId}-${a.key}`,
        displayName: `${plan.displayName}: ${a.objective} ${a.kind} (${a.severity})`,
        description: a.description,
        kind: 'LogAlert',
        enabled: true,
        severity: a.severity === 'page' ? 1 : 2,
        scopes: [argRef('applicationInsights.resourceId')],
        evaluationFrequency: window(a.evaluationMinutes),
        windowSize: window(a.windowMinutes),
        criteria: { allOf: [{ query: a.query, timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0, failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } }] },
        autoMitigate: true,
        actions: { actionGroups: a.actionGroups },
      },
      dependsOn: [],
    });
  }
  if (plan.dashboard) {
    const d = plan.dashboard;
    out.push({ type: 'azure-native:applicationinsights:Workbook', name: 'dashboard', inputs: { ...ai, resourceName: d.id, kind: 'shared', category: 'workbook', displayName: d.displayName, serializedData: jsonRef(d.notebook), sourceId: argRef('applicationInsights.resourceId') }, dependsOn: [] });
  }
  return out;
}

/**
 * `[...new Set([previous, ...deps])].sort()` for deps already sorted and unique (apiWrites' are),
 * without a Set and a sort per write: thousands of writes, each with the API's policy deps.
 */
function chained(previous: string, deps: readonly string[]): string[] {
  const out: string[] = [];
  let placed = false;
  for (const d of deps) {
    if (!placed && previous <= d) {
      if (previous !== d) out.push(previous);
      placed = true;
    }
    out.push(d);
  }
  if (!placed) out.push(previous);
  return out;
}

/** A resource in canonical form (keys sorted): copied by `canonical` unless its inputs were built so. */
function resource(type: string, name: string, inputs: Record<string, PlanValue>, dependsOn: readonly string[], sorted = false): PlannedResource {
  return sorted ? { dependsOn, inputs, name, type } : canonical({ dependsOn, inputs, name, type });
}

/** Every resource of the plan, in creation order, each in canonical form (compile.ts places them as they are). */
export function planResources(plan: Draft, options: ResourceOptions): PlannedResource[] {
  const out: PlannedResource[] = [...serviceResources(plan), apiResource(plan, options), ...productResources(plan, options), ...monitorResources(plan)].map((r) => resource(r.type, r.name, r.inputs, r.dependsOn));
  let last = 'api';
  // Index access, not destructuring: a tuple destructured takes an iterator, once per write.
  const steps = apiWrites(plan, options);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    out.push(resource(T(step[1]), step[0], step[2], chained(last, step[3]), step[4]));
    last = step[0];
  }
  // The MCP server is an Api of its own: its writes lock it, not the API's chain.
  if (plan.mcp) for (const r of mcpResources(plan.mcp)) out.push(resource(r.type, r.name, r.inputs, r.dependsOn));
  // Each further version is an Api of its own in the set, with its own chain of writes; its
  // resource names carry the version, so the first version's names stay those of an unversioned spec.
  for (const v of plan.versionApis ?? []) {
    const own: Draft = { ...plan, ...v, versionApis: undefined };
    const api = apiResource(own, options);
    const prefix = `api-${v.key}`;
    out.push(resource(api.type, prefix, api.inputs, api.dependsOn));
    let prev = prefix;
    for (const [name, type, inputs, deps, sorted] of apiWrites(own, options)) {
      const rname = `${prefix}-${name}`;
      out.push(resource(T(type), rname, inputs, chained(prev, deps), sorted));
      prev = rname;
    }
  }
  // Each non-current revision is an Api of its own (`<apiId>;rev=N`, made from the current one),
  // with its own chain of writes; the current revision keeps the names of a spec without revisions.
  for (const r of plan.revisionApis ?? []) {
    const own: Draft = { ...plan, ...r, versionApis: undefined, revisionApis: undefined };
    const api = apiResource(own, options);
    const prefix = `api-${r.key}`;
    out.push(resource(api.type, prefix, api.inputs, [...new Set([...api.dependsOn, 'api'])].sort()));
    let prev = prefix;
    for (const [name, type, inputs, deps, sorted] of apiWrites(own, options)) {
      const rname = `${prefix}-${name}`;
      out.push(resource(T(type), rname, inputs, chained(prev, deps), sorted));
      prev = rname;
    }
  }
  return out;
}

/** A value with every reference to a logical name prefixed, as a component names them. */
export function prefixValue(v: PlanValue, prefix: string): PlanValue {
  if (Array.isArray(v)) return v.map((x) => prefixValue(x, prefix));
  if (v && typeof v === 'object') {
    if ((v as { $ref?: string }).$ref === 'resource') return { ...(v as object), name: `${prefix}-${(v as { name: string }).name}` } as PlanValue;
    if ((v as { $ref?: string }).$ref === 'json') return { $ref: 'json', value: prefixValue((v as { value: PlanValue }).value, prefix) };
    if ('$ref' in v) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, prefixValue(x, prefix)]));
  }
  return v;
}

/** The resources with every logical name (and reference to one) prefixed, as a component names them. */
export function prefixResources(resources: readonly PlannedResource[], prefix: string): PlannedResource[] {
  return resources.map((r) => ({ type: r.type, name: `${prefix}-${r.name}`, inputs: prefixValue(r.inputs as PlanValue, prefix) as PlannedResource['inputs'], dependsOn: r.dependsOn.map((d) => `${prefix}-${d}`) }));
}
