/**
 * ApigeeGateway: a Pulumi component that deploys an anygate gateway to Apigee X: the proxy bundle
 * (gcp.apigee.Api, configBundle written under the program's work dir), one revision deployment per
 * environment (override: true), API products, developers and apps, and per-environment target
 * servers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as gcp from '@pulumi/gcp';
import type { ApigeeEnvironmentType } from '../../lib/capabilities/table';
import { isGateway, type Gateway } from '../../lib/model/builder';
import { SynthesisError } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { ResourceGraph } from '../shared/graph';
import { bundleZip, sha256 } from './bundle';
import { compileApigee } from './compile';
import type { ApigeePlan } from './plan';

export interface ApigeeGatewayArgs {
  /** The gateway: a Gateway from the builder, or a validated GatewaySpec. */
  readonly gateway: Gateway | GatewaySpec;
  /** The Apigee organization (usually the GCP project id). */
  readonly orgId: pulumi.Input<string>;
  /** Apigee environment of each stage to deploy. @default - every stage, to an environment of the same name */
  readonly environments?: Record<string, string>;
  /** Environment type (what the compiler checks features against). @default 'INTERMEDIATE' */
  readonly environmentType?: ApigeeEnvironmentType;
  /** Host names (Cloud Run, Cloud Functions) of the function bindings. @default {} */
  readonly functions?: Record<string, pulumi.Input<string>>;
  /** Developer who owns the consumer apps. @default - one developer per consumer, e.g. acme@<gateway>.anygate.invalid */
  readonly developers?: Record<string, { readonly email: string; readonly firstName: string; readonly lastName: string }>;
  /** Where the bundle zip is written. @default '.anygate/apigee' under the program's working directory */
  readonly bundleDir?: string;
}

export class ApigeeGateway extends pulumi.ComponentResource {
  readonly plan: ApigeePlan;
  /** The proxy (gcp.apigee.Api). */
  readonly api: gcp.apigee.Api;
  /** The revision deployed. */
  readonly revision: pulumi.Output<string>;
  /** API product names by plan. */
  readonly productNames: pulumi.Output<Record<string, string>>;
  /** App credentials by consumer (secret). */
  readonly credentials: pulumi.Output<Record<string, unknown>>;
  readonly graph = new ResourceGraph();

  constructor(name: string, args: ApigeeGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super('anygate:apigee:Gateway', name, {}, opts);
    const spec = isGateway(args.gateway) ? args.gateway.toSpec() : args.gateway;
    const environments = args.environments ?? Object.fromEntries(Object.keys(spec.stages).map((s) => [s, s]));
    this.plan = compileApigee(spec, { environmentType: args.environmentType, environments });
    const plan = this.plan;
    for (const w of plan.warnings) pulumi.log.warn(w, this);
    const g = this.graph;
    const parent = { parent: this };
    const functions = args.functions ?? {};
    const missing = plan.bindings.filter((b) => functions[b] === undefined);
    if (missing.length) {
      throw new SynthesisError(`apigee (${plan.environmentType})`, missing.map((b) => ({ target: `apigee (${plan.environmentType})`, where: 'gateway', feature: 'backend.function', message: `function binding ${JSON.stringify(b)} has no host: pass functions: { '${b}': '<service host>' } to ApigeeGateway` })));
    }

    // The bundle is written when the program runs, as pulumi up needs a file path for configBundle.
    const zipDir = args.bundleDir ?? path.join(process.cwd(), '.anygate', 'apigee');
    // A promise of the path (not an Output of the Buffer: outputs would lift the Buffer into an object).
    const zipPath = pulumi.output(
      bundleZip(plan).then((zip) => {
        mkdirSync(zipDir, { recursive: true });
        const file = path.join(zipDir, `${plan.proxyName}-${sha256(zip).slice(0, 12)}.zip`);
        writeFileSync(file, zip);
        return file;
      }),
    );
    this.api = g.add('gcp:apigee/api:Api', `${name}-proxy`, [], (dependsOn) => new gcp.apigee.Api(`${name}-proxy`, { orgId: args.orgId, name: plan.proxyName, configBundle: zipPath }, { ...parent, dependsOn }));
    this.revision = this.api.latestRevisionId;

    const stages = Object.keys(environments).sort();
    const servers: pulumi.Resource[] = [];
    for (const ts of plan.targetServers) {
      for (const stage of stages) {
        const t = ts.byStage[stage];
        if (!t) continue;
        const env = environments[stage];
        const host: pulumi.Input<string> = t.host.startsWith('binding:') ? functions[t.host.slice('binding:'.length)] : t.host;
        servers.push(
          g.add('gcp:apigee/targetServer:TargetServer', `${name}-ts-${ts.name}-${stage}`, [], (dependsOn) =>
            new gcp.apigee.TargetServer(
              `${name}-ts-${ts.name}-${stage}`,
              { envId: pulumi.interpolate`organizations/${args.orgId}/environments/${env}`, name: ts.name, host, port: t.port, protocol: 'HTTP', isEnabled: true, ...(t.ssl ? { sSlInfo: { enabled: true } } : {}) },
              { ...parent, dependsOn },
            ),
          ),
        );
      }
    }
    for (const stage of stages) {
      g.add('gcp:apigee/environmentApiRevisionDeployment:EnvironmentApiRevisionDeployment', `${name}-deploy-${stage}`, [this.api, ...servers], (dependsOn) =>
        new gcp.apigee.EnvironmentApiRevisionDeployment(
          `${name}-deploy-${stage}`,
          { orgId: args.orgId, environment: environments[stage], api: this.api.name, revision: this.api.latestRevisionId.apply((r) => Number(r)), override: true },
          { ...parent, dependsOn },
        ),
      );
    }

    const productNames: Record<string, string> = {};
    const productRes = new Map<string, gcp.apigee.ApiProduct>();
    for (const p of plan.products) {
      productNames[p.name] = p.name;
      productRes.set(
        p.name,
        g.add('gcp:apigee/apiProduct:ApiProduct', `${name}-product-${p.name}`, [this.api], (dependsOn) =>
          new gcp.apigee.ApiProduct(
            `${name}-product-${p.name}`,
            {
              orgId: args.orgId,
              name: p.name,
              displayName: p.displayName,
              description: p.description,
              approvalType: 'auto',
              environments: stages.map((s) => environments[s]),
              proxies: [plan.proxyName],
              apiResources: ['/**'],
              ...(p.quota ? { quota: String(p.quota.limit), quotaInterval: String(p.quota.interval), quotaTimeUnit: p.quota.timeUnit } : {}),
              ...(p.rate ? { attributes: [{ name: 'anygate-rate', value: p.rate }] } : {}),
            },
            { ...parent, dependsOn },
          ),
        ),
      );
    }
    const credentials: Record<string, pulumi.Output<unknown>> = {};
    for (const app of plan.apps) {
      const who = args.developers?.[app.consumer] ?? { email: `${app.consumer}@${plan.proxyName}.anygate.invalid`, firstName: app.consumer, lastName: plan.proxyName };
      const dev = g.add('gcp:apigee/developer:Developer', `${name}-dev-${app.consumer}`, [], (dependsOn) =>
        new gcp.apigee.Developer(`${name}-dev-${app.consumer}`, { orgId: args.orgId, email: who.email, firstName: who.firstName, lastName: who.lastName, userName: `${plan.proxyName}-${app.consumer}` }, { ...parent, dependsOn }),
      );
      const product = productRes.get(app.product)!;
      const a = g.add('gcp:apigee/developerApp:DeveloperApp', `${name}-app-${app.consumer}`, [dev, product], (dependsOn) =>
        new gcp.apigee.DeveloperApp(
          `${name}-app-${app.consumer}`,
          { orgId: args.orgId, name: `${plan.proxyName}-${app.consumer}`, developerEmail: dev.email, apiProducts: [product.name], callbackUrl: '', ...(app.description ? { attributes: [{ name: 'description', value: app.description }] } : {}) },
          { ...parent, dependsOn, additionalSecretOutputs: ['credentials'] },
        ),
      );
      credentials[app.consumer] = pulumi.secret(a.credentials);
    }
    this.productNames = pulumi.output(productNames);
    this.credentials = pulumi.secret(pulumi.output(credentials)) as unknown as pulumi.Output<Record<string, unknown>>;
    this.registerOutputs({ revision: this.revision, productNames: this.productNames, credentials: this.credentials });
  }
}
