/**
 * ApigeeGateway: a Pulumi component that creates what an ApigeePlan lists, nothing more: the
 * proxy (apigee.Api from the bundle zip), target servers, the key-value map of function
 * ID-token audiences, one revision deployment per environment (override: true), API products,
 * developers and apps per stage. `ApigeeGateway.fromSpec` compiles a spec first.
 */
import { bindingProblems, unusedBindingsText } from '../../lib/capabilities/bindings';
import { targetWarning } from '../../lib/capabilities/warnings';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
// The apigee module alone: the whole provider's declarations cost seconds of every type check.
import * as apigee from '@pulumi/gcp/apigee';
import * as logging from '@pulumi/gcp/logging';
import * as monitoring from '@pulumi/gcp/monitoring';
import * as organizations from '@pulumi/gcp/organizations';
import { isGateway, type Gateway } from '../../lib/model/builder';
import { SynthesisError } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { isDeployRef, type DeployRef, type PlannedResource, type PlanValue } from '../shared/resources';
import { bundleZip, sha256 } from './bundle';
import { compileApigee, type ApigeeCompileOptions } from './compile';
import { TRACE_CONFIG_TYPE } from './observability';
import type { ApigeePlan } from './plan';
import { ApigeeTraceConfig } from './trace-config';
import { basePrefix } from '../../lib/model/path';

export interface ApigeeGatewayArgs {
  /** The compiled plan (compileApigee). */
  readonly plan: ApigeePlan;
  /** The Apigee organization (usually the GCP project id). */
  readonly orgId: pulumi.Input<string>;
  /** Host (or https URL) of each function binding's Cloud Run service or function. @default {} */
  readonly functions?: Record<string, pulumi.Input<string>>;
  /**
   * Service account the proxy is deployed with; it mints the Google ID tokens sent to function
   * backends (grant it roles/run.invoker on them) and calls Model Armor for LLM guards
   * (roles/modelarmor.user and roles/modelarmor.viewer) and Vertex AI models (roles/aiplatform.user). Required when the plan
   * has function bindings, an access log or serviceAccountRoles.
   * @default - none (the plan must need none)
   */
  readonly serviceAccount?: pulumi.Input<string>;
  /**
   * The project of the alert policies and dashboards (observability.objectives, .dashboards).
   * @default - orgId (an Apigee X organization is named after its project)
   */
  readonly project?: pulumi.Input<string>;
  /**
   * Where the bundle zip is written (a build product: add `.anygate/` to .gitignore).
   * @default '.anygate/apigee' under the program's working directory
   */
  readonly bundleDir?: string;
  /**
   * The hostname of the environment group that routes to each stage's environment, by stage (the
   * evaluation wizard's `nip.io` name, or your domain). Gives the `urls` output; `fromSpec` also
   * writes the plain-string ones into the MCP tools' OpenAPI documents (docs/ai.md), which need them.
   * @default {} - no URL outputs
   */
  readonly hostnames?: Record<string, pulumi.Input<string>>;
}

/**
 * fromSpec's arguments: the gateway's and the compile options. The compiler's `hostnames` are
 * the gateway's when they are plain strings, and its `organization` is `orgId` when that is one.
 */
export interface ApigeeGatewayFromSpecArgs extends Omit<ApigeeGatewayArgs, 'plan'>, Omit<ApigeeCompileOptions, 'hostnames' | 'organization'> {
  /** The gateway: a Gateway from the builder, or a validated GatewaySpec. */
  readonly gateway: Gateway | GatewaySpec;
}

type Ctor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const CONSTRUCTORS: Record<string, Ctor> = {
  'gcp:apigee/api:Api': apigee.Api,
  'gcp:apigee/targetServer:TargetServer': apigee.TargetServer,
  'gcp:apigee/environmentKeyvaluemaps:EnvironmentKeyvaluemaps': apigee.EnvironmentKeyvaluemaps,
  'gcp:apigee/environmentKeyvaluemapsEntries:EnvironmentKeyvaluemapsEntries': apigee.EnvironmentKeyvaluemapsEntries,
  'gcp:apigee/environmentApiRevisionDeployment:EnvironmentApiRevisionDeployment': apigee.EnvironmentApiRevisionDeployment,
  'gcp:apigee/apiProduct:ApiProduct': apigee.ApiProduct,
  'gcp:apigee/developer:Developer': apigee.Developer,
  'gcp:apigee/developerApp:DeveloperApp': apigee.DeveloperApp,
  'gcp:apigee/envGroup:EnvGroup': apigee.EnvGroup,
  'gcp:apigee/envGroupAttachment:EnvGroupAttachment': apigee.EnvGroupAttachment,
  'gcp:monitoring/alertPolicy:AlertPolicy': monitoring.AlertPolicy,
  'gcp:monitoring/dashboard:Dashboard': monitoring.Dashboard,
  'gcp:logging/metric:Metric': logging.Metric,
  [TRACE_CONFIG_TYPE]: ApigeeTraceConfig,
};

/** `orders-abc.a.run.app` or `https://orders-abc.a.run.app/` -> the host. */
const hostOf = (v: string): string => (/^https?:\/\//.test(v) ? new URL(v).hostname : v.replace(/\/+$/, ''));

export class ApigeeGateway extends pulumi.ComponentResource {
  readonly plan: ApigeePlan;
  /** The proxy (apigee.Api). */
  readonly api: apigee.Api;
  /** The revision deployed. */
  readonly revision: pulumi.Output<string>;
  /** API product names by plan, then stage. */
  readonly productNames: pulumi.Output<Record<string, Record<string, string>>>;
  /** App credentials by consumer, then stage (secret). */
  readonly credentials: pulumi.Output<Record<string, Record<string, unknown>>>;
  /**
   * Where each consumer's key lives, by consumer then stage: the developer's email and the app's
   * name (`gcloud apigee apps describe`, or the Apigee console's Apps page). Not secret.
   */
  readonly keyReferences: pulumi.Output<Record<string, Record<string, { developer: string; app: string }>>>;
  /** The environment group hostname of each stage given in `hostnames`. */
  readonly hostnames: pulumi.Output<Record<string, string>>;
  /** Each stage's URL (`https://<hostname><basePath>`), for the stages given in `hostnames`. */
  readonly urls: pulumi.Output<Record<string, string>>;
  /** Every resource created, by its plan name. */
  readonly resources = new Map<string, pulumi.CustomResource>();

  /** Compiles the spec (compileApigee) and creates the plan's resources. */
  static fromSpec(name: string, args: ApigeeGatewayFromSpecArgs, opts?: pulumi.ComponentResourceOptions): ApigeeGateway {
    const spec = isGateway(args.gateway) ? args.gateway.toSpec() : args.gateway;
    // The tools' OpenAPI document names the hosts and the MCP target the organization: only known strings can be written.
    const hostnames = Object.fromEntries(Object.entries(args.hostnames ?? {}).flatMap(([stage, v]) => (typeof v === 'string' ? [[stage, hostOf(v)]] : [])));
    const organization = typeof args.orgId === 'string' ? args.orgId : undefined;
    const plan = compileApigee(spec, { environmentType: args.environmentType, environments: args.environments, developers: args.developers, modelArmorTemplate: args.modelArmorTemplate, hostnames, organization });
    return new ApigeeGateway(name, { ...args, plan }, opts);
  }

  constructor(name: string, args: ApigeeGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super('anygate:apigee:Gateway', name, {}, opts);
    const plan = (this.plan = args.plan);
    for (const w of plan.warnings) pulumi.log.warn(w, this);
    checkArgs(plan, args);
    const unused = unusedBindingsText('apigee', plan.bindings, Object.keys(args.functions ?? {}));
    if (unused) pulumi.log.warn(targetWarning('apigee-unused-function-binding', unused), this);
    // A promise of the path (not an Output of the Buffer: outputs would lift the Buffer into an object).
    const zipDir = args.bundleDir ?? path.join(process.cwd(), '.anygate', 'apigee');
    const zipPath = pulumi.output(
      bundleZip(plan).then((zip) => {
        mkdirSync(zipDir, { recursive: true });
        const file = path.join(zipDir, `${plan.proxyName}-${sha256(zip).slice(0, 12)}.zip`);
        writeFileSync(file, zip);
        return file;
      }),
    );
    // Each stage's MCP Discovery Proxy bundle, written beside the proxy's.
    const mcpZip = (stage: string): pulumi.Input<string> => {
      const m = plan.mcpProxies?.find((x) => x.stage === stage);
      if (!m) throw new Error(`ApigeeGateway: the plan has no MCP Discovery Proxy for stage ${JSON.stringify(stage)}`);
      return pulumi.output(
        bundleZip(m).then((zip) => {
          mkdirSync(zipDir, { recursive: true });
          const file = path.join(zipDir, `${m.proxyName}-${sha256(zip).slice(0, 12)}.zip`);
          writeFileSync(file, zip);
          return file;
        }),
      );
    };
    const argValue = (n: string): pulumi.Input<string> => {
      if (n === 'orgId') return args.orgId;
      if (n === 'project') return args.project ?? args.orgId;
      if (n === 'orgPath') return pulumi.interpolate`organizations/${args.orgId}`;
      if (n === 'configBundle') return zipPath;
      if (n.startsWith('mcpConfigBundle/')) return mcpZip(n.slice('mcpConfigBundle/'.length));
      if (n === 'serviceAccount') return args.serviceAccount!;
      // The deployer's token, for the trace config's API call (no @pulumi/gcp resource sets it).
      if (n === 'accessToken') return organizations.getClientConfigOutput({ parent: this }).accessToken;
      if (n.startsWith('environment/')) return pulumi.interpolate`organizations/${args.orgId}/environments/${n.slice('environment/'.length)}`;
      throw new Error(`ApigeeGateway: the plan refers to an unknown argument ${JSON.stringify(n)}`);
    };
    const ref = (r: DeployRef, key: string): pulumi.Input<unknown> => {
      if (r.$ref === 'arg') return argValue(r.name);
      if (r.$ref === 'binding') return pulumi.output(args.functions![r.binding]).apply((v) => (r.property === 'audience' ? `https://${hostOf(v)}` : hostOf(v)));
      if (r.$ref === 'resource') {
        const out = (this.resources.get(r.name) as unknown as Record<string, pulumi.Output<unknown>>)[r.property];
        // The deployment takes the revision as a number; the Api reports it as a string.
        return key === 'revision' ? out.apply((v) => Number(v)) : out;
      }
      throw new Error(`ApigeeGateway: ${r.$ref} references are not used by Apigee plans`);
    };
    const resolve = (v: PlanValue, key: string): unknown => {
      if (isDeployRef(v)) return ref(v, key);
      if (Array.isArray(v)) return v.map((x) => resolve(x, key));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, k)]));
      return v;
    };
    for (const r of creationOrder(plan.resources)) {
      const ctor = CONSTRUCTORS[r.type];
      const secret = r.type.endsWith(':DeveloperApp') ? { additionalSecretOutputs: ['credentials'] } : {};
      const created = new ctor(`${name}-${r.name}`, resolve(r.inputs, ''), { parent: this, dependsOn: r.dependsOn.map((d) => this.resources.get(d)!), ...secret });
      this.resources.set(r.name, created);
    }
    this.api = this.resources.get('proxy') as apigee.Api;
    this.revision = this.api.latestRevisionId;
    const products: Record<string, Record<string, string>> = {};
    for (const p of plan.products) (products[p.plan] ??= {})[p.stage] = p.name;
    const credentials: Record<string, Record<string, pulumi.Output<unknown>>> = {};
    for (const a of plan.apps) (credentials[a.consumer] ??= {})[a.stage] = (this.resources.get(`app-${a.consumer}-${a.stage}`) as apigee.DeveloperApp).credentials;
    this.productNames = pulumi.output(products);
    this.credentials = pulumi.secret(pulumi.output(credentials)) as unknown as pulumi.Output<Record<string, Record<string, unknown>>>;
    const refs: Record<string, Record<string, { developer: string; app: string }>> = {};
    const emails = new Map(plan.developers.map((d) => [d.consumer, d.email]));
    for (const a of plan.apps) (refs[a.consumer] ??= {})[a.stage] = { developer: emails.get(a.consumer) ?? '', app: a.name };
    this.keyReferences = pulumi.output(refs);
    this.hostnames = pulumi.output(args.hostnames ?? {}).apply((h) => Object.fromEntries(Object.entries(h).map(([stage, v]) => [stage, hostOf(v)])));
    this.urls = this.hostnames.apply((h) => Object.fromEntries(Object.entries(h).map(([stage, host]) => [stage, `https://${host}${basePrefix(plan.basePath)}`])));
    this.registerOutputs({ proxyName: plan.proxyName, revision: this.revision, productNames: this.productNames, credentials: this.credentials, keyReferences: this.keyReferences, hostnames: this.hostnames, urls: this.urls });
  }
}

function checkArgs(plan: ApigeePlan, args: ApigeeGatewayArgs): void {
  const target = `apigee (${plan.environmentType})`;
  const given = Object.keys(args.functions ?? {}).filter((b) => args.functions?.[b] !== undefined);
  const problems = bindingProblems('apigee', target, plan.bindings.map((binding) => ({ binding })), { functions: given, serviceAccount: args.serviceAccount !== undefined });
  if (plan.accessLogName && !plan.bindings.length && args.serviceAccount === undefined) {
    problems.push({ target, where: 'observability', feature: 'observability.accessLogs', message: `the access log is written to Cloud Logging (log ${plan.accessLogName}) as the deployment's service account: pass serviceAccount to ApigeeGateway (grant it roles/logging.logWriter, enable the Cloud Logging API in the project, and let the deployer act as it: iam.serviceAccounts.actAs), or set observability.accessLogs: false` });
  }
  if (plan.serviceAccountRoles?.length && args.serviceAccount === undefined) {
    problems.push({ target, where: 'gateway', feature: plan.serviceAccountRoles.includes('roles/modelarmor.user') ? 'llm.promptGuard' : 'backend.llm', message: `the proxy calls ${[...new Set(plan.serviceAccountRoles.map((r) => (r.startsWith('roles/modelarmor.') ? 'Model Armor (LLM guards)' : 'Vertex AI')))].join(' and ')} as the deployment's service account: pass serviceAccount to ApigeeGateway, grant it ${plan.serviceAccountRoles.join(' and ')} and let the deployer act as it (iam.serviceAccounts.actAs)` });
  }
  // A host is a string (or an Output or promise of one): anything else failed inside an Output, far from its cause.
  for (const [b, v] of Object.entries(args.functions ?? {})) {
    if (v !== undefined && typeof v !== 'string' && !pulumi.Output.isInstance(v) && typeof (v as { then?: unknown }).then !== 'function') {
      problems.push({ target, where: 'gateway', feature: 'backend.function', message: `functions[${JSON.stringify(b)}] is ${Array.isArray(v) ? 'an array' : typeof v}: ApigeeGateway takes the host (or https URL) of the Cloud Run service or function as a string, functions: { '${b}': 'my-service-abc123-uc.a.run.app' }` });
    }
  }
  if (problems.length) throw new SynthesisError(target, problems);
}

/** Resources in an order where each comes after what it depends on (names break ties, so URNs are registered stably). */
function creationOrder(resources: readonly PlannedResource[]): PlannedResource[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const done = new Set<string>();
  const out: PlannedResource[] = [];
  const visit = (r: PlannedResource) => {
    if (done.has(r.name)) return;
    done.add(r.name);
    for (const d of r.dependsOn) visit(byName.get(d)!);
    out.push(r);
  };
  for (const r of resources) visit(r);
  return out;
}
