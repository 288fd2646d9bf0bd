/**
 * AzureApimGateway: a Pulumi component that deploys an anygate gateway to Azure API Management,
 * one component per stage (a Pulumi stack per stage is the expected use; stages may share one
 * service, since every id carries the stage). It only creates what the plan lists (plan.resources):
 * it resolves the plan's deploy-time references (arguments, function bindings, secrets, other
 * resources' outputs) and never compiles or decides anything itself.
 */
import { targetWarning } from '../../lib/capabilities/warnings';
import { bindingProblems, unusedBindingsText } from '../../lib/capabilities/bindings';
import * as pulumi from '@pulumi/pulumi';
import * as apim from '@pulumi/azure-native/apimanagement';
import * as appinsights from '@pulumi/azure-native/applicationinsights';
import * as monitor from '@pulumi/azure-native/monitor';
import * as azureResources from '@pulumi/azure-native/resources';
import type { AzureSku } from '../../lib/capabilities/types';
import { isGateway, type Gateway } from '../../lib/model/builder';
import { AnygateError, SynthesisError } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { readEnvSecret, ResourceGraph } from '../shared/graph';
import { isDeployRef, type DeployRef, type PlannedResource, type PlanValue } from '../shared/resources';
import { compileAzure, type AzureCompileOptions } from './compile';
import type { ApimPlan } from './plan';

/** A function app behind a binding: its base URL and a function key APIM sends as x-functions-key. */
export interface AzureFunctionBinding {
  /** Base URL, e.g. `https://orders.azurewebsites.net/api`. */
  readonly url: pulumi.Input<string>;
  /** A function (or host) key; the function should use authLevel `function` so callers cannot skip APIM. */
  readonly key: pulumi.Input<string>;
}

export interface AzureApimGatewayArgs {
  /** What to deploy: a compiled plan (see `AzureApimGateway.fromSpec`). */
  readonly plan: ApimPlan;
  /** Resource group of the API Management service. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** An existing API Management service. Exactly one of serviceName and service. */
  readonly serviceName?: pulumi.Input<string>;
  /**
   * Create the service. Classic tiers take 30-90 minutes to provision.
   * Exactly one of serviceName and service.
   */
  readonly service?: {
    readonly name: string;
    readonly publisherEmail: string;
    readonly publisherName: string;
    /** @default - the resource group's location */
    readonly location?: pulumi.Input<string>;
  };
  /** The function bindings (function backends, custom authorizers). @default {} */
  readonly functions?: Record<string, AzureFunctionBinding>;
  /**
   * Application Insights for access logs and tracing. Objectives (log alert rules) and dashboards
   * (a workbook) read the access log there and need its resourceId and location.
   * @default - no logger; logs are not collected
   */
  readonly applicationInsights?: { readonly instrumentationKey: pulumi.Input<string>; readonly resourceId?: pulumi.Input<string>; readonly location?: pulumi.Input<string> };
  /**
   * Reads a consumer's key from its secretRef at deploy time.
   * @default - env:NAME is read from the environment, as a Pulumi secret
   */
  readonly resolveSecret?: (secretRef: string, what: string) => pulumi.Input<string>;
}

/** Options of `fromSpec`: what the compiler needs besides the spec. */
export interface AzureApimGatewaySpecArgs extends Omit<AzureApimGatewayArgs, 'plan'>, Omit<AzureCompileOptions, 'applicationInsights'> {
  /** The gateway: a Gateway from the builder, or a validated GatewaySpec. */
  readonly gateway: Gateway | GatewaySpec;
}

type Ctor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONSTRUCTORS: Record<string, Ctor> = {
  'azure-native:apimanagement:NamedValue': apim.NamedValue,
  'azure-native:apimanagement:Backend': apim.Backend,
  'azure-native:apimanagement:ApiVersionSet': apim.ApiVersionSet,
  'azure-native:apimanagement:Api': apim.Api,
  'azure-native:apimanagement:ApiSchema': apim.ApiSchema,
  'azure-native:apimanagement:ApiPolicy': apim.ApiPolicy,
  'azure-native:apimanagement:ApiOperation': apim.ApiOperation,
  'azure-native:apimanagement:ApiOperationPolicy': apim.ApiOperationPolicy,
  'azure-native:apimanagement:Product': apim.Product,
  'azure-native:apimanagement:ProductPolicy': apim.ProductPolicy,
  'azure-native:apimanagement:ProductApi': apim.ProductApi,
  'azure-native:apimanagement:Subscription': apim.Subscription,
  'azure-native:apimanagement:Logger': apim.Logger,
  'azure-native:apimanagement:ApiDiagnostic': apim.ApiDiagnostic,
  'azure-native:monitor:ScheduledQueryRule': monitor.ScheduledQueryRule,
  'azure-native:applicationinsights:Workbook': appinsights.Workbook,
  // The MCP server and its tools (providers/azure/mcp.ts): REST API 2025-09-01-preview.
  'azure-native:resources:Resource': azureResources.Resource,
};

const SECRET_OUTPUTS: Record<string, string[]> = { 'azure-native:apimanagement:Subscription': ['primaryKey', 'secondaryKey'] };

export class AzureApimGateway extends pulumi.ComponentResource {
  /** Compiles a spec and builds the component from its plan. */
  static fromSpec(name: string, args: AzureApimGatewaySpecArgs, opts?: pulumi.ComponentResourceOptions): AzureApimGateway {
    const spec = isGateway(args.gateway) ? args.gateway.toSpec() : args.gateway;
    const plan = compileAzure(spec, { sku: args.sku, stage: args.stage, externalCache: args.externalCache, versioning: args.versioning, applicationInsights: Boolean(args.applicationInsights) });
    return new AzureApimGateway(name, { ...args, plan }, opts);
  }

  /** The compiled plan. */
  readonly plan: ApimPlan;
  /** Resource id of the API. */
  readonly apiId: pulumi.Output<string>;
  /** The stage's gateway URL: the service gateway URL plus the API path (`<stage>/<basePath>`). */
  readonly gatewayUrl: pulumi.Output<string>;
  /** The service's gateway hostname (`<service>.azure-api.net`, or its custom domain). */
  readonly hostname: pulumi.Output<string>;
  /** The DNS records to create for the plan's custom host names: a CNAME from each to the service's own host. */
  readonly dnsRecords: pulumi.Output<{ name: string; type: 'CNAME'; value: string }[]>;
  /** Product resource ids by product id. */
  readonly productIds: pulumi.Output<Record<string, string>>;
  /** Subscription resource ids by subscription id. */
  readonly subscriptionIds: pulumi.Output<Record<string, string>>;
  /** Subscription primary keys by subscription id: a secret output. */
  readonly subscriptionKeys: pulumi.Output<Record<string, string>>;
  /** The resources created, with dependsOn, as recorded while building. */
  readonly graph = new ResourceGraph();

  constructor(name: string, args: AzureApimGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super('anygate:azure:ApimGateway', name, {}, opts);
    const plan = (this.plan = args.plan);
    const label = `azure (${plan.sku})`;
    if ((args.serviceName === undefined) === (args.service === undefined)) {
      throw new AnygateError(`AzureApimGateway ${name}: pass exactly one of serviceName (an existing API Management service) and service (create one)`);
    }
    // Every binding the resources refer to, checked at once (lib/capabilities/bindings.ts).
    const bindingIssues = bindingProblems('azure', label, planBindings(plan.resources).map((binding) => ({ binding })), { functions: Object.keys(args.functions ?? {}).filter((b) => args.functions?.[b]) });
    if (bindingIssues.length) throw new SynthesisError(label, bindingIssues);
    const unused = unusedBindingsText('azure', planBindings(plan.resources), Object.keys(args.functions ?? {}));
    if (unused) pulumi.log.warn(targetWarning('azure-unused-function-binding', unused), this);
    const monitored = [plan.alerts?.length ? 'observability.objectives (log alert rules)' : '', plan.dashboard ? 'observability.dashboards (a workbook)' : ''].filter(Boolean);
    if (monitored.length && !(args.applicationInsights?.resourceId && args.applicationInsights.location)) {
      throw new SynthesisError(label, [{ target: label, where: 'observability', feature: 'observability.objectives', message: `${monitored.join(' and ')} read the access log in Application Insights: pass applicationInsights: { instrumentationKey, resourceId, location } to AzureApimGateway` }]);
    }
    for (const w of plan.warnings) pulumi.log.warn(w, this);
    if (plan.diagnostics && !args.applicationInsights) pulumi.log.warn(targetWarning('azure-access-logs-application-insights', 'access logs or tracing are on (observability.accessLogs is true by default) but no applicationInsights was given: API Management will not collect them; pass applicationInsights, or set observability.accessLogs: false (and the stages\' tracing: false) to go without'), this);
    const parent = { parent: this };
    const service = args.service && this.createService(name, args, plan);
    if (!service && plan.hostnames?.length) {
      pulumi.log.warn(targetWarning('azure-domain-existing-service', `custom domains ${plan.hostnames.map((h) => h.hostName).join(', ')}: the service is not created by this component, so set its hostnameConfigurations yourself (type Proxy, keyVaultId, negotiateClientCertificate as in plan.hostnames${plan.enableClientCertificate ? ', and enableClientCertificate' : ''}); until then clients reach the API on the service's own host only`), this);
    }
    const serviceName: pulumi.Input<string> = service ? service.name : args.serviceName!;
    const created = new Map<string, pulumi.CustomResource>();
    const resolve = (v: PlanValue, what: string): unknown => {
      if (isDeployRef(v) && v.$ref === 'json') return pulumi.jsonStringify(pulumi.output(resolve(v.value, what) as pulumi.Input<object>));
      if (isDeployRef(v)) return this.resolveRef(v, what, { ...args, serviceName }, created, label);
      if (Array.isArray(v)) return v.map((x) => resolve(x, what));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, what)]));
      return v;
    };
    for (const r of plan.resources) {
      const ctor = CONSTRUCTORS[r.type];
      const deps = [service, ...r.dependsOn.map((d) => created.get(d))];
      const res = this.graph.add(r.type, `${name}-${r.name}`, deps, (dependsOn) =>
        new ctor(`${name}-${r.name}`, resolve(r.inputs as PlanValue, `${r.type.split(':')[2]} ${r.name}`), { ...parent, dependsOn, ...(SECRET_OUTPUTS[r.type] ? { additionalSecretOutputs: SECRET_OUTPUTS[r.type] } : {}) }),
      );
      created.set(r.name, res);
    }
    const api = created.get('api')!;
    this.apiId = api.id;
    const gatewayBase = service ? service.gatewayUrl : apim.getApiManagementServiceOutput({ resourceGroupName: args.resourceGroupName, serviceName }, parent).gatewayUrl;
    this.gatewayUrl = pulumi.interpolate`${gatewayBase}/${plan.path}`;
    this.hostname = pulumi.output(gatewayBase).apply((u) => (u ? new URL(u).hostname : ''));
    this.dnsRecords = this.hostname.apply((h) => (plan.hostnames ?? []).map((x) => ({ name: x.hostName, type: 'CNAME' as const, value: h })));
    const byId = <T>(list: { id: string; key: string }[], prefix: string, get: (r: pulumi.CustomResource, id: string) => pulumi.Input<T>) =>
      pulumi.output(Object.fromEntries(list.filter((x) => created.has(`${prefix}-${x.key}`)).map((x) => [x.id, get(created.get(`${prefix}-${x.key}`)!, x.id)])));
    this.productIds = byId(plan.products, 'product', (r) => r.id) as pulumi.Output<Record<string, string>>;
    this.subscriptionIds = byId(plan.subscriptions, 'sub', (r) => r.id) as pulumi.Output<Record<string, string>>;
    // Keys are not returned by a GET of the subscription: listSecrets reads them once it exists.
    const keyOf = (r: pulumi.CustomResource, sid: string) =>
      r.id.apply(() => apim.listSubscriptionSecretsOutput({ resourceGroupName: args.resourceGroupName, serviceName, sid }, parent).apply((s) => s.primaryKey ?? ''));
    this.subscriptionKeys = pulumi.secret(byId(plan.subscriptions, 'sub', keyOf)) as pulumi.Output<Record<string, string>>;
    this.registerOutputs({ apiId: this.apiId, gatewayUrl: this.gatewayUrl, hostname: this.hostname, dnsRecords: this.dnsRecords, productIds: this.productIds, subscriptionIds: this.subscriptionIds, subscriptionKeys: this.subscriptionKeys });
  }

  /**
   * The service, with the plan's custom host names: their Key Vault certificates are read with the
   * service's system-assigned identity, which needs get access to the secrets (docs/domains.md).
   */
  private createService(name: string, args: AzureApimGatewayArgs, plan: ApimPlan): apim.ApiManagementService {
    const s = args.service!;
    const sku: AzureSku = plan.sku;
    const domains = plan.hostnames?.length
      ? { identity: { type: 'SystemAssigned' }, hostnameConfigurations: plan.hostnames.map((h) => ({ ...h })), ...(plan.enableClientCertificate ? { enableClientCertificate: true } : {}) }
      : {};
    return this.graph.add('azure-native:apimanagement:ApiManagementService', `${name}-service`, [], (dependsOn) =>
      new apim.ApiManagementService(
        `${name}-service`,
        { resourceGroupName: args.resourceGroupName, serviceName: s.name, sku: { name: sku, capacity: sku === 'Consumption' ? 0 : 1 }, publisherEmail: s.publisherEmail, publisherName: s.publisherName, location: s.location, ...domains },
        { parent: this, dependsOn },
      ),
    );
  }

  /** A deploy-time reference as a Pulumi input; a missing binding or argument is a located error. */
  private resolveRef(ref: DeployRef, what: string, args: AzureApimGatewayArgs & { serviceName: pulumi.Input<string> }, created: Map<string, pulumi.CustomResource>, label: string): pulumi.Input<unknown> {
    // The bindings were checked before any resource (planBindings): what fails here is the plan's own.
    const fail = (message: string): never => {
      throw new Error(`internal: ${label}: ${message}`);
    };
    switch (ref.$ref) {
      case 'resource':
        return (created.get(ref.name) as unknown as Record<string, pulumi.Output<unknown>>)[ref.property];
      case 'arg': {
        const args2: Record<string, pulumi.Input<string> | undefined> = {
          resourceGroupName: args.resourceGroupName,
          serviceName: args.serviceName,
          serviceParentPath: pulumi.interpolate`service/${args.serviceName}`,
          'applicationInsights.instrumentationKey': args.applicationInsights?.instrumentationKey,
          'applicationInsights.resourceId': args.applicationInsights?.resourceId,
          'applicationInsights.location': args.applicationInsights?.location,
        };
        return args2[ref.name];
      }
      case 'binding': {
        const f = args.functions?.[ref.binding];
        if (!f) return fail(`${what} needs function binding ${JSON.stringify(ref.binding)}: pass functions: { '${ref.binding}': { url: <function base URL>, key: <function key> } } to AzureApimGateway`);
        if (ref.property === 'key') return pulumi.secret(f.key);
        if (ref.property === 'url') return f.url;
        return fail(`${what}: function bindings on Azure provide url and key, not ${ref.property}`);
      }
      case 'secret':
        return pulumi.secret((args.resolveSecret ?? readEnvSecret)(ref.secretRef, what));
      case 'json':
        return fail(`${what}: a JSON reference is resolved by the caller`);
    }
  }
}

/** The function bindings the planned resources refer to, sorted. */
function planBindings(resources: readonly PlannedResource[]): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (isDeployRef(v)) {
      if (v.$ref === 'binding') out.add(v.binding);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const r of resources) walk(r.inputs);
  return [...out].sort();
}
