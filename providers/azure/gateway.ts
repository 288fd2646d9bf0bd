/**
 * AzureApimGateway: a Pulumi component that deploys an anygate gateway to Azure API Management
 * (one component per stage; a Pulumi stack per stage is the expected use). Policies are rawxml with
 * policyId "policy"; writes that lock the same Api are chained with dependsOn to avoid 409s.
 */
import * as pulumi from '@pulumi/pulumi';
import * as apim from '@pulumi/azure-native/apimanagement';
import type { AzureSku } from '../../lib/capabilities/table';
import { isGateway, type Gateway } from '../../lib/model/builder';
import { SynthesisError } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { readEnvSecret, ResourceGraph } from '../shared/graph';
import { compileAzure } from './compile';
import type { ApimPlan } from './plan';

export interface AzureApimGatewayArgs {
  /** The gateway: a Gateway from the builder, or a validated GatewaySpec. */
  readonly gateway: Gateway | GatewaySpec;
  /** The stage this component deploys. @default 'prod' when the spec has it, else the first stage */
  readonly stage?: string;
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
    readonly sku: AzureSku;
    readonly publisherEmail: string;
    readonly publisherName: string;
    /** @default - the resource group's location */
    readonly location?: pulumi.Input<string>;
  };
  /** SKU of an existing service (what the compiler checks features against). @default 'Developer' */
  readonly sku?: AzureSku;
  /** Base URLs of the function bindings (function backends, custom authorizers). @default {} */
  readonly functions?: Record<string, pulumi.Input<string>>;
  /** Application Insights for access logs and tracing. @default - no logger; logs are not collected */
  readonly applicationInsights?: { readonly instrumentationKey: pulumi.Input<string>; readonly resourceId?: pulumi.Input<string> };
  /** The service has an external Redis cache (needed for caching on Consumption). @default false */
  readonly externalCache?: boolean;
  /** Put the API in a version set. @default - no version set */
  readonly versioning?: 'Segment' | 'Header' | 'Query';
  /**
   * Reads a consumer's key from its secretRef at deploy time.
   * @default - env:NAME is read from the environment, as a Pulumi secret
   */
  readonly resolveSecret?: (secretRef: string, what: string) => pulumi.Input<string>;
}

export class AzureApimGateway extends pulumi.ComponentResource {
  /** The compiled plan. */
  readonly plan: ApimPlan;
  /** Resource id of the API. */
  readonly apiId: pulumi.Output<string>;
  /** The gateway URL of the API (service gateway URL plus the API path). */
  readonly gatewayUrl: pulumi.Output<string>;
  /** Product resource ids by plan name. */
  readonly productIds: pulumi.Output<Record<string, string>>;
  /** Subscription resource ids by consumer name. */
  readonly subscriptionIds: pulumi.Output<Record<string, string>>;
  /** The resources created, with dependsOn, as recorded while building. */
  readonly graph = new ResourceGraph();

  constructor(name: string, args: AzureApimGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super('anygate:azure:ApimGateway', name, {}, opts);
    const spec = isGateway(args.gateway) ? args.gateway.toSpec() : args.gateway;
    if ((args.serviceName === undefined) === (args.service === undefined)) {
      throw new SynthesisError('azure', [{ target: 'azure', where: 'gateway', feature: 'service', message: 'pass exactly one of serviceName (an existing API Management service) and service (create one)' }]);
    }
    const sku = args.service?.sku ?? args.sku ?? 'Developer';
    this.plan = compileAzure(spec, { sku, stage: args.stage, externalCache: args.externalCache, versioning: args.versioning });
    const plan = this.plan;
    for (const w of plan.warnings) pulumi.log.warn(w, this);
    const g = this.graph;
    const parent = { parent: this };
    const rg = args.resourceGroupName;
    const functions = args.functions ?? {};
    const resolve = (value: string, what: string): pulumi.Input<string> => {
      if (!value.startsWith('binding:')) return value;
      const b = value.slice('binding:'.length);
      const url = functions[b];
      if (url === undefined) {
        throw new SynthesisError(`azure (${sku})`, [{ target: `azure (${sku})`, where: 'gateway', feature: 'backend.function', message: `${what} needs function binding ${JSON.stringify(b)}: pass functions: { '${b}': <function base URL> } to AzureApimGateway` }]);
      }
      return url;
    };

    let service: apim.ApiManagementService | undefined;
    if (args.service) {
      const s = args.service;
      service = g.add('azure-native:apimanagement:ApiManagementService', `${name}-service`, [], (dependsOn) =>
        new apim.ApiManagementService(`${name}-service`, { resourceGroupName: rg, serviceName: s.name, sku: { name: s.sku, capacity: s.sku === 'Consumption' ? 0 : 1 }, publisherEmail: s.publisherEmail, publisherName: s.publisherName, location: s.location }, { ...parent, dependsOn }),
      );
    }
    const serviceName: pulumi.Input<string> = service ? service.name : args.serviceName!;
    const base = { resourceGroupName: rg, serviceName };

    const namedValues = plan.namedValues.map((nv) =>
      g.add('azure-native:apimanagement:NamedValue', `${name}-nv-${nv.id}`, [service], (dependsOn) =>
        new apim.NamedValue(`${name}-nv-${nv.id}`, { ...base, namedValueId: nv.id, displayName: nv.id, value: resolve(nv.value, `named value ${nv.id}`), secret: false }, { ...parent, dependsOn }),
      ),
    );
    const backendRes = new Map<string, apim.Backend>();
    for (const b of plan.backends) {
      const members = (b.pool ?? []).map((m) => backendRes.get(m.id));
      const res = g.add('azure-native:apimanagement:Backend', `${name}-backend-${b.id}`, [service, ...members], (dependsOn) =>
        new apim.Backend(
          `${name}-backend-${b.id}`,
          {
            ...base,
            backendId: b.id,
            protocol: 'http',
            type: b.type,
            ...(b.url ? { url: resolve(b.url, `backend ${b.id}`) } : {}),
            ...(b.pool ? { pool: { services: b.pool.map((m) => ({ id: backendRes.get(m.id)!.id, weight: m.weight })) } } : {}),
            ...(b.circuitBreaker
              ? { circuitBreaker: { rules: [{ name: 'anygate', failureCondition: { count: b.circuitBreaker.failures, interval: `PT${b.circuitBreaker.intervalSeconds}S`, statusCodeRanges: [{ min: 500, max: 599 }] }, tripDuration: `PT${b.circuitBreaker.tripSeconds}S` }] } }
              : {}),
          },
          { ...parent, dependsOn },
        ),
      );
      backendRes.set(b.id, res);
    }

    const versionSet = plan.versionSet
      ? g.add('azure-native:apimanagement:ApiVersionSet', `${name}-versions`, [service], (dependsOn) =>
          new apim.ApiVersionSet(`${name}-versions`, { ...base, versionSetId: plan.versionSet!.id, displayName: plan.versionSet!.displayName, versioningScheme: plan.versionSet!.scheme }, { ...parent, dependsOn }),
        )
      : undefined;
    const api = g.add('azure-native:apimanagement:Api', `${name}-api`, [service, versionSet], (dependsOn) =>
      new apim.Api(
        `${name}-api`,
        {
          ...base,
          apiId: plan.apiId,
          displayName: plan.displayName,
          path: plan.path,
          protocols: ['https'],
          description: plan.description,
          subscriptionRequired: plan.subscriptionRequired,
          ...(plan.subscriptionKeyParameterNames ? { subscriptionKeyParameterNames: plan.subscriptionKeyParameterNames } : {}),
          ...(versionSet ? { apiVersion: plan.version, apiVersionSetId: versionSet.id } : {}),
        },
        { ...parent, dependsOn },
      ),
    );
    const apiArgs = { ...base, apiId: plan.apiId };

    // Every write below locks the Api: chain them so API Management sees one at a time.
    let last: pulumi.Resource = api;
    const chain = <T extends pulumi.Resource>(type: string, rname: string, extra: (pulumi.Resource | undefined)[], make: (dependsOn: pulumi.Resource[]) => T): T => {
      const r = g.add(type, rname, [last, ...extra], make);
      last = r;
      return r;
    };
    const schemaId = 'anygate-bodies';
    if (Object.keys(plan.schemas).length) {
      chain('azure-native:apimanagement:ApiSchema', `${name}-schema`, [], (dependsOn) =>
        new apim.ApiSchema(`${name}-schema`, { ...apiArgs, schemaId, contentType: 'application/vnd.oai.openapi.components+json', components: { schemas: plan.schemas } }, { ...parent, dependsOn }),
      );
    }
    chain('azure-native:apimanagement:ApiPolicy', `${name}-policy`, [...namedValues, ...backendRes.values()], (dependsOn) =>
      new apim.ApiPolicy(`${name}-policy`, { ...apiArgs, policyId: 'policy', format: 'rawxml', value: plan.apiPolicy }, { ...parent, dependsOn }),
    );
    for (const op of plan.operations) {
      chain('azure-native:apimanagement:ApiOperation', `${name}-op-${op.id}`, [], (dependsOn) =>
        new apim.ApiOperation(
          `${name}-op-${op.id}`,
          {
            ...apiArgs,
            operationId: op.id,
            displayName: op.displayName,
            method: op.method,
            urlTemplate: op.urlTemplate,
            description: op.description,
            templateParameters: op.templateParameters,
            request: {
              queryParameters: op.queryParameters,
              headers: op.headers,
              ...(op.bodySchema ? { representations: [{ contentType: 'application/json', schemaId, typeName: op.bodySchema }] } : {}),
            },
            responses: [],
          },
          { ...parent, dependsOn },
        ),
      );
      if (op.policy) {
        const value = op.policy;
        chain('azure-native:apimanagement:ApiOperationPolicy', `${name}-op-${op.id}-policy`, [...namedValues, ...backendRes.values()], (dependsOn) =>
          new apim.ApiOperationPolicy(`${name}-op-${op.id}-policy`, { ...apiArgs, operationId: op.id, policyId: 'policy', format: 'rawxml', value }, { ...parent, dependsOn }),
        );
      }
    }

    const productIds: Record<string, pulumi.Output<string>> = {};
    const productRes = new Map<string, apim.Product>();
    for (const p of plan.products) {
      const product = g.add('azure-native:apimanagement:Product', `${name}-product-${p.id}`, [service], (dependsOn) =>
        new apim.Product(`${name}-product-${p.id}`, { ...base, productId: p.id, displayName: p.displayName, description: p.description, subscriptionRequired: true, approvalRequired: false, state: 'published' }, { ...parent, dependsOn }),
      );
      productRes.set(p.id, product);
      productIds[p.id] = product.id;
      if (p.policy) {
        const value = p.policy;
        g.add('azure-native:apimanagement:ProductPolicy', `${name}-product-${p.id}-policy`, [product], (dependsOn) =>
          new apim.ProductPolicy(`${name}-product-${p.id}-policy`, { ...base, productId: p.id, policyId: 'policy', format: 'rawxml', value }, { ...parent, dependsOn }),
        );
      }
      chain('azure-native:apimanagement:ProductApi', `${name}-product-${p.id}-api`, [product], (dependsOn) =>
        new apim.ProductApi(`${name}-product-${p.id}-api`, { ...base, productId: p.id, apiId: plan.apiId }, { ...parent, dependsOn }),
      );
    }
    const subscriptionIds: Record<string, pulumi.Output<string>> = {};
    for (const s of plan.subscriptions) {
      const product = productRes.get(s.product)!;
      const sub = g.add('azure-native:apimanagement:Subscription', `${name}-sub-${s.id}`, [product], (dependsOn) =>
        new apim.Subscription(
          `${name}-sub-${s.id}`,
          { ...base, sid: s.id, displayName: s.displayName, scope: product.id, state: 'active', ...(s.secretRef ? { primaryKey: (args.resolveSecret ?? readEnvSecret)(s.secretRef, `subscription ${s.id}`) } : {}) },
          { ...parent, dependsOn, additionalSecretOutputs: ['primaryKey', 'secondaryKey'] },
        ),
      );
      subscriptionIds[s.id] = sub.id;
    }

    if (plan.diagnostics) {
      if (!args.applicationInsights) {
        pulumi.log.warn('observability asks for access logs or tracing, but no applicationInsights was given: API Management will not collect them', this);
      } else {
        const ai = args.applicationInsights;
        const d = plan.diagnostics;
        const logger = g.add('azure-native:apimanagement:Logger', `${name}-logger`, [service], (dependsOn) =>
          new apim.Logger(`${name}-logger`, { ...base, loggerId: `${plan.apiId}-appinsights`, loggerType: 'applicationInsights', credentials: { instrumentationKey: ai.instrumentationKey }, resourceId: ai.resourceId }, { ...parent, dependsOn }),
        );
        chain('azure-native:apimanagement:ApiDiagnostic', `${name}-diagnostic`, [logger], (dependsOn) =>
          new apim.ApiDiagnostic(
            `${name}-diagnostic`,
            { ...apiArgs, diagnosticId: 'applicationinsights', loggerId: logger.id, alwaysLog: 'allErrors', verbosity: d.verbosity, sampling: { samplingType: 'fixed', percentage: d.sampling }, httpCorrelationProtocol: d.tracing ? 'W3C' : 'None', logClientIp: true },
            { ...parent, dependsOn },
          ),
        );
      }
    }

    this.apiId = api.id;
    const gatewayBase = service ? service.gatewayUrl : apim.getApiManagementServiceOutput({ resourceGroupName: rg, serviceName }, parent).gatewayUrl;
    this.gatewayUrl = pulumi.interpolate`${gatewayBase}/${plan.path}`;
    this.productIds = pulumi.output(productIds);
    this.subscriptionIds = pulumi.output(subscriptionIds);
    this.registerOutputs({ apiId: this.apiId, gatewayUrl: this.gatewayUrl, productIds: this.productIds, subscriptionIds: this.subscriptionIds });
  }
}
