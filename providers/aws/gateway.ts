/**
 * AwsGateway: an L3 construct that deploys an anygate gateway as an API Gateway REST API. One
 * RestApi defined by the compiled OpenAPI body (so the resource count does not grow with routes),
 * a deployment whose logical id follows the body's hash, one Stage per spec stage, usage plans and
 * API keys, and the generated authorizer and transform functions where routes need them.
 */
import { bindingProblems, unusedBindingsText } from '../../lib/capabilities/bindings';
import { specWarnings, targetWarning } from '../../lib/capabilities/warnings';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { ArnFormat, Aws, CfnOutput, Duration, FeatureFlags, RemovalPolicy, SecretValue, Stack, Token, Validations } from 'aws-cdk-lib/core';
import { APIGATEWAY_DISABLE_CLOUDWATCH_ROLE } from 'aws-cdk-lib/cx-api';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, type IConstruct } from 'constructs';
import { isGateway, type Gateway } from '../../lib/model/builder';
import { SynthesisError } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { bundleHandler, DEFAULT_BUNDLE_ROOT, type BundledHandler } from '../../lib/runtime/bundle';
import { INTERNAL_KEY_SECRET_ENV } from '../../lib/runtime/config';
import { llmKeySecretEnv, TOKEN_TABLE_ENV } from '../../lib/runtime/llm/env';
import { TOKEN_TABLE_KEY, TOKEN_TABLE_TTL } from '../../lib/runtime/llm/budget';
import { DeployTimeBody } from './body';
import { compileAws } from './compile';
import { cfnMethodSetting, cfnMethodSettingBytes } from './stage';
import type { AwsPlan } from './plan';
import { agentCoreGatewayName } from '../../lib/capabilities/targets/aws-mcp';
import { secretResourceArn } from './llm';

export interface AwsGatewayProps {
  /** The gateway: a Gateway from the builder, or a validated GatewaySpec. */
  readonly gateway: Gateway | GatewaySpec;
  /**
   * Lambda functions for function backends and custom authorizers, by binding name.
   * @default {} - synthesis fails if a route needs a binding that is missing
   */
  readonly functions?: Record<string, lambda.IFunction>;
  /** Stages to deploy. @default - every stage of the spec */
  readonly stageNames?: string[];
  /** Cache cluster size (GB) for stages whose routes cache. @default '0.5' */
  readonly cacheClusterSize?: string;
  /** A WAFv2 web ACL (REGIONAL scope) associated with every stage. @default - no web ACL */
  readonly webAclArn?: string;
  /** Endpoint type of the API. @default apigw.EndpointType.REGIONAL */
  readonly endpointType?: apigw.EndpointType;
  /**
   * Create the account-level role that lets API Gateway write execution and access logs to
   * CloudWatch Logs (an IAM role and `AWS::ApiGateway::Account`). One per account and region:
   * turn it off when another stack already manages it. Without it, a stage that logs (the spec's
   * `logLevel` other than off, or `accessLogs`) deploys only where the account's CloudWatch Logs
   * role is already set; synthesis warns then.
   * @default - as `RestApi` does: true, unless the app sets the feature flag
   * `@aws-cdk/aws-apigateway:disableCloudWatchRole` (new `cdk init` projects do), then false
   */
  readonly cloudWatchRole?: boolean;
  /** Architecture of the generated functions. @default lambda.Architecture.ARM_64 */
  readonly handlerArchitecture?: lambda.Architecture;
  /** Runtime of the generated functions (Node.js 20 or newer). @default lambda.Runtime.NODEJS_24_X */
  readonly handlerRuntime?: lambda.Runtime;
  /** Memory of the generated functions, in MB. @default 256 */
  readonly handlerMemorySize?: number;
  /**
   * Bodies larger than this (bytes of JSON) ship as an S3 asset that API Gateway imports itself
   * (`BodyS3Location`), so they never count toward CloudFormation's 1 MB processed-template limit.
   * API Gateway resolves no intrinsic in that file: with a concrete account and region the ARNs
   * are written into it at synth time; in an environment-agnostic stack a custom resource fills them
   * in at deploy time (providers/aws/body.ts).
   * @default 400000
   */
  readonly inlineBodyLimitBytes?: number;
  /** Where generated handler bundles and large bodies are written before CDK stages them. @default - a folder under the OS temp dir */
  readonly bundleDir?: string;
  /**
   * Emit a stack output per stage with its invoke URL (`<id>Url<Stage>`, as RestApi emits its
   * Endpoint output), which `cdk deploy` prints.
   * @default true
   */
  readonly outputs?: boolean;
  /**
   * What `cdk destroy` does with the log groups the construct creates (the stages' access logs and
   * the generated functions' logs). Logs are kept by default so that deleting a stack never
   * deletes the record of who called the API; `RemovalPolicy.DESTROY` removes them with the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

// CloudWatch Logs accepts only these retention periods (days).
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/gi, (_, __, c: string) => c.toUpperCase());
}

/** Wraps strings holding CloudFormation pseudo parameters in Fn::Sub, escaping stage variables. */
export function withPseudoParameters(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.includes('${AWS::') ? { 'Fn::Sub': value.replace(/\$\{stageVariables\./g, '${!stageVariables.') } : value;
  }
  if (Array.isArray(value)) return value.map(withPseudoParameters);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPseudoParameters(v)]));
  }
  return value;
}

/**
 * The body with pseudo parameters written out, for `BodyS3Location`: API Gateway imports that file
 * itself, so no intrinsic function may remain (stage variables stay; API Gateway resolves them per
 * request). Returns undefined when the stack's account or region is not known at synth time.
 */
export function withLiteralPseudoParameters(value: unknown, account: string, region: string): unknown {
  if (Token.isUnresolved(account) || Token.isUnresolved(region)) return undefined;
  const partition = RegionInfo.get(region).partition ?? 'aws';
  const text = JSON.stringify(value).replace(/\$\{AWS::(Partition|Region|AccountId)\}/g, (_, p: string) => (p === 'Partition' ? partition : p === 'Region' ? region : account));
  if (text.includes('${AWS::')) throw new Error('internal: a pseudo parameter anygate does not write out is left in the API body');
  return JSON.parse(text);
}

/**
 * Whether the stack writes its template unindented (Stack prop suppressTemplateIndentation, or the
 * context key that sets it for every stack). CloudFormation counts whitespace toward its 1 MB limit.
 */
function templateIsCompact(stack: Stack): boolean {
  const own = (stack as unknown as { _suppressTemplateIndentation?: boolean })._suppressTemplateIndentation;
  return own ?? Boolean(stack.node.tryGetContext('@aws-cdk/core:suppressTemplateIndentation'));
}

/** Room the rest of the template may take beside the method settings and an inline body. */
const TEMPLATE_REST_BYTES = 100_000;

/** Writes a content-addressed file once (its directory name holds the content hash). */
function writeOnce(file: string, content: () => string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content());
  }
  return file;
}

/** Fails, naming the fix, when a route or authorizer needs a function binding the props do not give (lib/capabilities/bindings.ts). */
function assertBindings(plan: AwsPlan, functions: Record<string, lambda.IFunction>): void {
  const problems = bindingProblems('aws', 'aws', plan.functions, { functions: Object.keys(functions).filter((b) => functions[b]) });
  if (problems.length) throw new SynthesisError('aws', problems);
}

/** Acknowledges cdk-nag findings that are right by design, with the reason (CDK's own Validations API). */
function acknowledge(scope: IConstruct | undefined, rules: { id: string; reason: string }[]): void {
  if (scope) Validations.of(scope).acknowledge(...rules);
}

/** GatewayTarget Description (at most 200 characters), ending in the tool schemas' hash. */
function targetDescription(api: string, stage: string, hash: string): string {
  const tail = ` (tool schemas ${hash})`;
  return `${api} stage ${stage}`.slice(0, 200 - tail.length) + tail;
}

/** An anygate gateway deployed as an API Gateway REST API. */
export class AwsGateway extends Construct {
  /** The compiled plan the construct was built from. */
  readonly plan: AwsPlan;
  /** The REST API. */
  readonly restApi: apigw.SpecRestApi;
  /** The deployment every stage points at; its logical id changes with the API body. */
  readonly deployment: apigw.Deployment;
  /** Stages by name. */
  readonly stages: Record<string, apigw.Stage> = {};
  /**
   * The invoke URL of the default stage (`https://ID.execute-api.REGION.amazonaws.com/prod/`): `prod`
   * when it is deployed, else the first stage by name. That stage is also `restApi.deploymentStage`,
   * so `restApi.url` and `restApi.urlForPath()` work; `urlOf(stage)` gives any stage's URL.
   */
  readonly url: string;
  /** The stack outputs by stage name (empty with `outputs: false`). */
  readonly urlOutputs: Record<string, CfnOutput> = {};
  /** Per stage, the AgentCore Gateway serving the routes as MCP tools (empty when no route is a tool). */
  readonly mcpGateways: Record<string, agentcore.CfnGateway> = {};
  /** Custom domains by host name. */
  readonly domainNames: Record<string, apigw.DomainName> = {};
  /** Per custom domain, the stack output holding the DNS target (`<id>Dns<Host>`); empty with `outputs: false`. */
  readonly dnsOutputs: Record<string, CfnOutput> = {};
  /** Usage plans by plan name. */
  readonly usagePlans: Record<string, apigw.UsagePlan> = {};
  /** API keys by consumer name (values generated by AWS or read from Secrets Manager). */
  readonly apiKeys: Record<string, apigw.IApiKey> = {};
  /** The generated authorizer functions (empty when no route needs one). */
  readonly authorizerFunctions: lambda.Function[] = [];
  /** The generated transform function, when a route needs one. */
  readonly transformFunction?: lambda.Function;
  /** The generated LLM proxy, when a route's backend is a model. */
  readonly llmFunction?: lambda.Function;
  /** The DynamoDB table counting the LLM token budgets, when a model backend has one. */
  readonly tokenTable?: dynamodb.Table;
  /** Access log groups by stage name. */
  readonly accessLogGroups: Record<string, logs.LogGroup> = {};
  /** The generated handler bundles, for manifests and local invocation. */
  readonly bundles: BundledHandler[] = [];
  /**
   * The anygate-internal API key and the secret holding its value, when a route lets a request in
   * by a token alone on a method that requires an API key (see addInternalKey).
   */
  readonly internalKey?: { readonly key: apigw.IApiKey; readonly secret: secretsmanager.ISecret; readonly usagePlan: apigw.UsagePlan };

  /** What cdk destroy does with the log groups the construct creates (props.logRemovalPolicy). */
  private readonly logRemovalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: AwsGatewayProps) {
    super(scope, id);
    this.logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;
    const spec = isGateway(props.gateway) ? props.gateway.toSpec() : props.gateway;
    this.plan = compileAws(spec, { stages: props.stageNames, cacheClusterSize: props.cacheClusterSize, compactTemplate: templateIsCompact(Stack.of(this)) });
    const plan = this.plan;
    for (const w of plan.warnings) Validations.of(this).addWarning('anygate-aws', w);

    const functions = props.functions ?? {};
    assertBindings(plan, functions);
    const unused = unusedBindingsText('aws', plan.functions.map((f) => f.binding), Object.keys(functions));
    if (unused) for (const w of specWarnings(spec, [targetWarning('aws-unused-function-binding', unused)])) Validations.of(this).addWarning('anygate-aws', w);

    const bundleRoot = props.bundleDir ?? DEFAULT_BUNDLE_ROOT;
    const definition = this.apiDefinition(plan, bundleRoot, props.inlineBodyLimitBytes ?? 400_000, props);
    // RestApi's own default: the app's feature flag, read where the API is (context is inherited).
    const cloudWatchRole = props.cloudWatchRole ?? !FeatureFlags.of(this).isEnabled(APIGATEWAY_DISABLE_CLOUDWATCH_ROLE);
    if (!cloudWatchRole) this.warnLoggingWithoutRole(plan, props.cloudWatchRole === false ? 'cloudWatchRole is false' : `the app sets ${APIGATEWAY_DISABLE_CLOUDWATCH_ROLE}, so cloudWatchRole defaults to false`);
    this.restApi = new apigw.SpecRestApi(this, 'Api', {
      apiDefinition: definition,
      restApiName: plan.apiName,
      description: plan.description,
      deploy: false,
      cloudWatchRole,
      endpointTypes: [props.endpointType ?? apigw.EndpointType.REGIONAL],
      ...(plan.disableExecuteApiEndpoint ? { disableExecuteApiEndpoint: true } : {}),
    });
    acknowledge(this.restApi.node.tryFindChild('CloudWatchRole'), [
      { id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]', reason: 'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-managed policy API Gateway documents for its account logging role' },
    ]);
    if ((plan.body['x-amazon-apigateway-request-validators'] as object | undefined) !== undefined) {
      acknowledge(this.restApi, [{ id: 'AwsSolutions::AwsSolutions-APIG2', reason: 'Request validators are declared in the OpenAPI body (x-amazon-apigateway-request-validators) on the routes that ask for validation' }]);
    }

    this.deployment = new apigw.Deployment(this, 'Deployment', { api: this.restApi, description: `${plan.apiName} (anygate)` });
    // A new body gets a new deployment; stages move to it in place.
    this.deployment.addToLogicalId({ body: plan.bodyHash });

    const executeApiArn = this.restApi.arnForExecuteApi('*', '/*', '*');
    const functionVariables: Record<string, string> = {};
    for (const f of plan.functions) {
      const fn = functions[f.binding];
      functionVariables[f.stageVariable] = fn.functionName;
      new lambda.CfnPermission(this, `Invoke${pascal(f.binding)}`, {
        action: 'lambda:InvokeFunction',
        functionName: fn.functionArn,
        principal: 'apigateway.amazonaws.com',
        sourceArn: f.usedBy.some((u) => u.startsWith('authorizer ')) ? Stack.of(this).formatArn({ service: 'execute-api', resource: this.restApi.restApiId, resourceName: '*' }) : executeApiArn,
      });
    }

    this.transformFunction = this.addGeneratedFunctions(plan, props, functions, functionVariables, bundleRoot, executeApiArn);
    if (plan.llm) [this.llmFunction, this.tokenTable] = this.addLlmProxy(plan, props, functionVariables, bundleRoot, executeApiArn);
    this.addStages(plan, functionVariables, props.webAclArn);
    this.addMcp(plan, props.endpointType);
    this.addObservability(plan);
    this.url = this.addUrls(props.outputs ?? true);
    this.addDomains(plan, props.outputs ?? true);
    this.addKeys(plan);
    if (this.internalKeySecret) this.internalKey = this.addInternalKey(plan, this.internalKeySecret);
  }

  private internalKeySecret?: secretsmanager.Secret;

  /**
   * A request let in by an alternative without an API key (a token alone) on a method that
   * requires one still needs a key API Gateway accepts (apiKeySource AUTHORIZER: the authorizer's
   * usageIdentifierKey; without a valid one the answer is 403, "Choose an API key source",
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
   * This key stands in for such requests: its value is generated into a Secrets Manager secret by
   * CloudFormation (never in the template or the asset) and handed to the ApiKey by a dynamic
   * reference; its usage plan covers every stage with no quota and no throttle, so token callers
   * count against no plan (stage throttles and route rate limits still apply). The authorizer reads
   * the secret at cold start and refuses a caller presenting this value as its own key.
   */
  private createInternalKeySecret(plan: AwsPlan): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'AnygateInternalKeySecret', {
      description: `anygate-internal API key of ${plan.apiName}: usageIdentifierKey for requests let in by a token alone (never give it to a caller)`,
      generateSecretString: { passwordLength: 40, excludePunctuation: true, includeSpace: false },
    });
    acknowledge(secret, [
      { id: 'AwsSolutions::AwsSolutions-SMG4', reason: 'CloudFormation copies the value into the API key at deploy time only; a rotation Lambda would desynchronize them and refuse every token caller. Rotate by replacing the secret (a new logical id) and deploying.' },
    ]);
    return secret;
  }

  private addInternalKey(plan: AwsPlan, secret: secretsmanager.Secret): NonNullable<AwsGateway['internalKey']> {
    const usagePlan = new apigw.UsagePlan(this, 'AnygateInternalPlan', {
      name: `${plan.apiName}-anygate-internal`,
      description: 'anygate: requests let in by a token alone on methods that require an API key; no quota, no throttle',
      apiStages: Object.keys(plan.stages).map((s) => ({ api: this.restApi, stage: this.stages[s] })),
    });
    const key = new apigw.ApiKey(this, 'AnygateInternalKey', {
      apiKeyName: `${plan.apiName}-anygate-internal`,
      description: 'anygate: stands in for requests let in by a token alone; only the generated authorizer presents it',
      enabled: true,
      value: secret.secretValue.unsafeUnwrap(),
    });
    usagePlan.addApiKey(key);
    return { key, secret, usagePlan };
  }

  /**
   * The generated LLM proxy (providers/aws/llm.ts) with its own role and log group. Least
   * privilege: GetSecretValue on each provider key's secret, GetItem and UpdateItem on the token
   * table, ApplyGuardrail on the guardrails the spec names; its environment holds the secrets'
   * names and the table's name, never a key. The table (one item per backend, caller and window)
   * expires its items through the TTL attribute; it holds only counters, so it is deleted with
   * the stack.
   */
  private addLlmProxy(plan: AwsPlan, props: AwsGatewayProps, functionVariables: Record<string, string>, bundleRoot: string, executeApiArn: string): [lambda.Function, dynamodb.Table | undefined] {
    const llm = plan.llm!;
    const stack = Stack.of(this);
    const bundle = bundleHandler('llm', llm.config, bundleRoot);
    this.bundles.push(bundle);
    const role = new iam.Role(this, 'LlmProxyRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `anygate LLM proxy of ${plan.apiName}` });
    const logGroup = this.logGroup('LlmProxyLogs');
    logGroup.grantWrite(role);
    const maxTimeout = Math.max(...llm.config.routes.map((r) => r.timeoutMs));
    const fn = new lambda.Function(this, 'LlmProxy', {
      runtime: props.handlerRuntime ?? lambda.Runtime.NODEJS_24_X,
      architecture: props.handlerArchitecture ?? lambda.Architecture.ARM_64,
      // gpt-tokenizer's o200k_base table, when a budget bundles it, needs room.
      memorySize: Math.max(props.handlerMemorySize ?? 256, llm.tokenTable ? 512 : 0),
      handler: 'index.handler',
      role,
      logGroup,
      code: lambda.Code.fromAsset(bundle.dir),
      timeout: Duration.seconds(Math.ceil(maxTimeout / 1000) + 2),
      description: `anygate LLM proxy (provider keys, token budgets, metrics, guards) for ${plan.apiName}`,
    });
    functionVariables[llm.stageVariable] = fn.functionName;
    new lambda.CfnPermission(this, 'InvokeLlmProxy', { action: 'lambda:InvokeFunction', functionName: fn.functionArn, principal: 'apigateway.amazonaws.com', sourceArn: executeApiArn });
    for (const [backend, secret] of Object.entries(llm.secrets).sort()) {
      fn.addEnvironment(llmKeySecretEnv(backend), secret);
      const arn = secretResourceArn(secret, (name) => stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [arn] }));
    }
    let table: dynamodb.Table | undefined;
    if (llm.tokenTable) {
      table = new dynamodb.Table(this, 'TokenBudgets', {
        partitionKey: { name: TOKEN_TABLE_KEY, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        timeToLiveAttribute: TOKEN_TABLE_TTL,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      acknowledge(table, [{ id: 'AwsSolutions::AwsSolutions-DDB3', reason: 'The table holds only token counters of the current windows, which expire within a day; there is nothing to recover' }]);
      fn.addEnvironment(TOKEN_TABLE_ENV, table.tableName);
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [table.tableArn] }));
    }
    if (llm.guardrails.length) {
      const arns = llm.guardrails.map((g) => (g.startsWith('arn:') ? g : stack.formatArn({ service: 'bedrock', resource: 'guardrail', resourceName: g })));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['bedrock:ApplyGuardrail'], resources: arns }));
    }
    return [fn, table];
  }

  /** The generated authorizer and transform functions (own role and log group each); returns the transform function. */
  private addGeneratedFunctions(plan: AwsPlan, props: AwsGatewayProps, functions: Record<string, lambda.IFunction>, functionVariables: Record<string, string>, bundleRoot: string, executeApiArn: string): lambda.Function | undefined {
    const handlerProps = {
      runtime: props.handlerRuntime ?? lambda.Runtime.NODEJS_24_X,
      architecture: props.handlerArchitecture ?? lambda.Architecture.ARM_64,
      memorySize: props.handlerMemorySize ?? 256,
      handler: 'index.handler',
    };
    // Each generated function gets its own role and log group, with write access to that group only.
    const generated = (id: string, bundle: BundledHandler, timeout: Duration, description: string) => {
      const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
      const logGroup = this.logGroup(`${id}Logs`);
      logGroup.grantWrite(role);
      return new lambda.Function(this, id, { ...handlerProps, role, logGroup, code: lambda.Code.fromAsset(bundle.dir), timeout, description });
    };
    if (plan.authorizer) {
      const bundle = bundleHandler('authorizer', plan.authorizer.config, bundleRoot);
      this.bundles.push(bundle);
      const fn = generated('Authorizer', bundle, Duration.seconds(10), `anygate JWT / API key authorizer for ${plan.apiName}`);
      if (plan.authorizer.config.internalKey) {
        const secret = (this.internalKeySecret = this.createInternalKeySecret(plan));
        fn.addEnvironment(INTERNAL_KEY_SECRET_ENV, secret.secretArn);
        // GetSecretValue on this one secret, nothing else (grantRead would add DescribeSecret).
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
      }
      this.authorizerFunctions.push(fn);
      functionVariables[plan.authorizer.stageVariable] = fn.functionName;
      new lambda.CfnPermission(this, 'InvokeAuthorizer', {
        action: 'lambda:InvokeFunction',
        functionName: fn.functionArn,
        principal: 'apigateway.amazonaws.com',
        sourceArn: Stack.of(this).formatArn({ service: 'execute-api', resource: this.restApi.restApiId, resourceName: 'authorizers/*' }),
      });
    }
    if (!plan.transform) return undefined;
    const bundle = bundleHandler('transform', plan.transform.config, bundleRoot);
    this.bundles.push(bundle);
    const maxTimeout = Math.max(...plan.transform.config.routes.map((r) => r.timeoutMs));
    const fn = generated('Transform', bundle, Duration.seconds(Math.ceil(maxTimeout / 1000) + 1), `anygate request/response transforms for ${plan.apiName}`);
    functionVariables[plan.transform.stageVariable] = fn.functionName;
    new lambda.CfnPermission(this, 'InvokeTransform', { action: 'lambda:InvokeFunction', functionName: fn.functionArn, principal: 'apigateway.amazonaws.com', sourceArn: executeApiArn });
    const targets = plan.transform.invokes.map((sv) => functions[plan.functions.find((f) => f.stageVariable === sv)!.binding].functionArn);
    // An identity policy on the function's own role: no resource policy on the (possibly imported) targets.
    if (targets.length) fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: targets }));
    return fn;
  }

  /** One Stage per spec stage; method settings only where a method differs from the stage's defaults. */
  /**
   * Per stage, an AgentCore Gateway (MCP) whose target is the stage: a tool filter and override per
   * tool. Inbound and outbound without authorization: the records let only public routes be tools.
   * The service role is the one AgentCore requires; no-auth calls need no policy on it. Its trust
   * is limited to this account's AgentCore gateways (aws:SourceAccount, aws:SourceArn: confused deputy).
   * The target's description carries the tool schemas' hash: AgentCore reads the stage's export only
   * when the target is created or updated.
   */
  private addMcp(plan: AwsPlan, endpointType: apigw.EndpointType | undefined): void {
    const mcp = plan.mcp;
    if (!mcp) return;
    // gateway-target-api-gateway.html: "Your API must be configured with a public endpoint type. Private endpoints are not supported."
    if (endpointType === apigw.EndpointType.PRIVATE) {
      throw new Error(`AwsGateway: endpointType PRIVATE cannot serve MCP tools (${mcp.tools.map((t) => t.name).join(', ')}): AgentCore Gateway calls only public (REGIONAL or EDGE) API endpoints; use REGIONAL, or drop mcp from the routes`);
    }
    const stack = Stack.of(this);
    for (const [name, stage] of Object.entries(this.stages)) {
      const principal = new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'bedrock-agentcore', resource: 'gateway', resourceName: '*' }) },
        },
      });
      const role = new iam.Role(this, `McpRole${pascal(name)}`, { assumedBy: principal, description: `AgentCore Gateway of ${plan.apiName} (${name})` });
      const gateway = new agentcore.CfnGateway(this, `Mcp${pascal(name)}`, {
        name: agentCoreGatewayName(plan.apiName, name),
        ...(mcp.description ? { description: mcp.description } : {}),
        protocolType: 'MCP',
        authorizerType: 'NONE',
        roleArn: role.roleArn,
      });
      new agentcore.CfnGatewayTarget(this, `McpTarget${pascal(name)}`, {
        gatewayIdentifier: gateway.attrGatewayIdentifier,
        name: mcp.targetName,
        description: targetDescription(plan.apiName, name, mcp.schemaHash),
        targetConfiguration: {
          mcp: {
            apiGateway: {
              restApiId: this.restApi.restApiId,
              stage: stage.stageName,
              apiGatewayToolConfiguration: {
                toolFilters: mcp.tools.map((t) => ({ filterPath: t.path, methods: [t.method] })),
                toolOverrides: mcp.tools.map((t) => ({ name: t.name, path: t.path, method: t.method, description: t.description })),
              },
            },
          },
        },
      });
      this.mcpGateways[name] = gateway;
    }
  }

  /**
   * API Gateway refuses a stage with execution or access logging to CloudWatch Logs until the
   * account's CloudWatch Logs role is set (API Gateway account settings): said, not left to fail at deploy.
   */
  /** A log group of the construct's, kept or removed by cdk destroy as logRemovalPolicy says. */
  private logGroup(id: string, retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH): logs.LogGroup {
    return new logs.LogGroup(this, id, { retention, removalPolicy: this.logRemovalPolicy });
  }

  private warnLoggingWithoutRole(plan: AwsPlan, why: string): void {
    const logging = Object.entries(plan.stages).flatMap(([name, st]) => {
      const what = [...(st.logLevel !== 'OFF' ? [`execution logging (logLevel ${st.logLevel.toLowerCase()})`] : []), ...(st.accessLogs ? ['access logs'] : [])];
      return what.length ? [`${name} (${what.join(', ')})`] : [];
    });
    if (!logging.length) return;
    Validations.of(this).addWarning(
      'anygate-aws-cloudwatch-role',
      `${why}: this gateway creates no API Gateway CloudWatch Logs role, yet stage${logging.length > 1 ? 's' : ''} ${logging.join('; ')} log to CloudWatch Logs, which API Gateway allows only once the account's CloudWatch Logs role ARN is set in this region (AWS::ApiGateway::Account). Set it once per account and region (one stack with cloudWatchRole: true, or API Gateway settings in the console), or turn the stage's logLevel to off and accessLogs to false.`,
    );
  }

  private addStages(plan: AwsPlan, functionVariables: Record<string, string>, webAclArn: string | undefined): void {
    // The body's documentation parts, published to every stage as one snapshot (a new one when they change).
    const documentation = plan.documentationVersion
      ? new apigw.CfnDocumentationVersion(this, 'DocumentationVersion', { restApiId: this.restApi.restApiId, documentationVersion: plan.documentationVersion, description: `${plan.apiName} contract (anygate)` })
      : undefined;
    for (const [name, st] of Object.entries(plan.stages)) {
      const logGroup = st.accessLogs
        ? this.logGroup(`AccessLogs${pascal(name)}`, (RETENTION_DAYS.find((d) => d >= st.logRetentionDays) ?? 3653) as logs.RetentionDays)
        : undefined;
      if (logGroup) this.accessLogGroups[name] = logGroup;
      const stage = new apigw.Stage(this, `Stage${pascal(name)}`, {
        deployment: this.deployment,
        stageName: name,
        description: st.description,
        variables: { ...st.variables, ...functionVariables },
        cacheClusterEnabled: st.cacheClusterEnabled,
        cacheClusterSize: st.cacheClusterSize,
        ...(st.caching.enabled ? { cachingEnabled: true, cacheTtl: Duration.seconds(st.caching.ttlSeconds!) } : {}),
        tracingEnabled: st.tracing,
        loggingLevel: apigw.MethodLoggingLevel[st.logLevel],
        metricsEnabled: st.metrics,
        dataTraceEnabled: false,
        ...(documentation ? { documentationVersion: documentation.ref } : {}),
        ...(st.throttle ? { throttlingRateLimit: st.throttle.rateLimit, throttlingBurstLimit: st.throttle.burstLimit } : {}),
        ...(logGroup ? { accessLogDestination: new apigw.LogGroupLogDestination(logGroup), accessLogFormat: apigw.AccessLogFormat.custom(plan.observability.accessLogFormat) } : {}),
      });
      // Overrides are appended to the stage-wide entry CDK renders, as compact entries (stage.ts).
      // The canary runs the stage's own deployment; only its backend stage variable differs.
      if (st.canary) (stage.node.defaultChild as apigw.CfnStage).canarySetting = { deploymentId: this.deployment.deploymentId, ...st.canary };
      if (st.methodSettings.length) {
        const cfn = stage.node.defaultChild as apigw.CfnStage;
        cfn.methodSettings = [...((cfn.methodSettings as apigw.CfnStage.MethodSettingProperty[] | undefined) ?? []), ...st.methodSettings.map(cfnMethodSetting)];
      }
      this.stages[name] = stage;
      if (webAclArn) {
        new wafv2.CfnWebACLAssociation(this, `WebAcl${pascal(name)}`, { resourceArn: stage.stageArn, webAclArn });
      }
    }
  }

  /** Alarms for the objectives, the 429 metric filter and the dashboards (providers/aws/observability.ts). */
  private addObservability(plan: AwsPlan): void {
    for (const [name, o] of Object.entries(plan.observability.stages)) {
      const logGroup = this.accessLogGroups[name];
      const stage = this.stages[name];
      if (o.throttledMetric && logGroup) {
        const m = o.throttledMetric;
        new logs.CfnMetricFilter(this, `ThrottledFilter${pascal(name)}`, {
          logGroupName: logGroup.logGroupName,
          filterPattern: '{ $.status = 429 }',
          metricTransformations: [{ metricNamespace: m.namespace, metricName: m.metricName, metricValue: '1', dimensions: [{ key: 'Stage', value: '$.stage' }] }],
        });
      }
      const dims = (d: Record<string, string>) => Object.entries(d).map(([k, v]) => ({ name: k, value: v }));
      const alarms = new Map<string, cloudwatch.CfnAlarm>();
      for (const a of o.alarms) {
        const common = { alarmDescription: a.description, comparisonOperator: 'GreaterThanThreshold', threshold: a.threshold, evaluationPeriods: a.evaluationPeriods, datapointsToAlarm: a.evaluationPeriods, treatMissingData: 'notBreaching', ...(a.actions.length ? { alarmActions: a.actions } : {}) };
        const alarm = a.metric
          ? new cloudwatch.CfnAlarm(this, `Alarm${a.id}`, { ...common, namespace: a.metric.namespace, metricName: a.metric.metricName, dimensions: dims(a.metric.dimensions), period: a.periodSeconds, ...(/^p\d/.test(a.metric.stat) ? { extendedStatistic: a.metric.stat } : { statistic: a.metric.stat }) })
          : new cloudwatch.CfnAlarm(this, `Alarm${a.id}`, {
              ...common,
              metrics: [
                { id: 'e', expression: a.expression!, label: a.id, returnData: true },
                ...a.metrics!.map((m, i) => ({ id: `m${i}`, returnData: false, metricStat: { metric: { namespace: m.namespace, metricName: m.metricName, dimensions: dims(m.dimensions) }, period: a.periodSeconds, stat: 'Sum' } })),
              ],
            });
        // The alarms read the stage's metrics, which exist once the stage does.
        if (stage) alarm.node.addDependency(stage);
        alarms.set(a.id, alarm);
      }
      for (const c of o.composites) {
        new cloudwatch.CfnCompositeAlarm(this, `Alarm${c.id}`, {
          alarmRule: c.allOf.map((id) => `ALARM("${alarms.get(id)!.ref}")`).join(' AND '),
          alarmDescription: c.description,
          ...(c.actions.length ? { alarmActions: c.actions } : {}),
        });
      }
      if (o.dashboard) {
        // Markers the compiler left for values only CloudFormation knows: the region and the log group.
        const fill = (v: unknown): unknown => {
          if (Array.isArray(v)) return v.map(fill);
          if (v && typeof v === 'object') {
            const r = v as Record<string, unknown>;
            if (r.$region === true) return Aws.REGION;
            if (typeof r.$logsQuery === 'string') return `SOURCE '${logGroup!.logGroupName}' | ${r.$logsQuery}`;
            return Object.fromEntries(Object.entries(r).map(([k, x]) => [k, fill(x)]));
          }
          return v;
        };
        new cloudwatch.CfnDashboard(this, `Dashboard${pascal(name)}`, { dashboardName: o.dashboard.name, dashboardBody: Stack.of(this).toJsonString({ widgets: fill(o.dashboard.widgets) }) });
      }
    }
  }

  /** Usage plans and API keys, one set per stage (ids from the plan: stable for one-stage gateways). */
  private addKeys(plan: AwsPlan): void {
    for (const [id, p] of Object.entries(plan.usagePlans)) {
      this.usagePlans[id] = new apigw.UsagePlan(this, `Plan${pascal(id)}`, {
        name: `${plan.apiName}-${id}`,
        description: p.description,
        ...(p.quota ? { quota: { limit: p.quota.limit, period: apigw.Period[p.quota.period] } } : {}),
        ...(p.throttle ? { throttle: p.throttle } : {}),
        apiStages: [{ api: this.restApi, stage: this.stages[p.stage] }],
      });
    }
    for (const [id, k] of Object.entries(plan.apiKeys)) {
      const key = new apigw.ApiKey(this, `Key${pascal(id)}`, {
        apiKeyName: `${plan.apiName}-${id}`,
        description: k.description,
        enabled: true,
        // A dynamic reference: CloudFormation resolves it at deploy time; the value never enters the template.
        ...(k.secretName ? { value: SecretValue.secretsManager(k.secretName, k.secretField ? { jsonField: k.secretField } : {}).unsafeUnwrap() } : {}),
      });
      this.apiKeys[id] = key;
      this.usagePlans[k.usagePlan].addApiKey(key);
    }
  }

  /**
   * The body inline (Fn::Sub for pseudo parameters) when small, else an S3 asset API Gateway
   * imports: with the pseudo parameters written out when the stack has a concrete account and
   * region, or filled in at deploy time when it is environment-agnostic (body.ts).
   */
  private apiDefinition(plan: AwsPlan, bundleRoot: string, inlineLimit: number, props: AwsGatewayProps): apigw.ApiDefinition {
    const inline = withPseudoParameters(plan.body) as Record<string, unknown>;
    const bytes = Buffer.byteLength(JSON.stringify(inline));
    // Inline only while body, method settings and the rest fit CloudFormation's 1 MB together.
    const compact = templateIsCompact(Stack.of(this));
    const settings = Object.values(plan.stages).reduce((a, st) => a + st.methodSettings.reduce((b, m) => b + cfnMethodSettingBytes(m, compact), 0), 0);
    if (bytes <= inlineLimit && bytes * (compact ? 1 : 1.3) + settings + TEMPLATE_REST_BYTES <= 1_000_000) return apigw.ApiDefinition.fromInline(inline);
    const stack = Stack.of(this);
    const text = JSON.stringify(plan.body);
    const pseudo = text.includes('${AWS::');
    const literal = pseudo ? withLiteralPseudoParameters(plan.body, stack.account, stack.region) : plan.body;
    if (literal) {
      const dir = `body-${plan.bodyHash.slice(0, 20)}${pseudo ? `-${stack.account}-${stack.region}` : ''}`;
      return apigw.ApiDefinition.fromAsset(writeOnce(path.join(bundleRoot, dir, 'api.json'), () => JSON.stringify(literal)));
    }
    const file = writeOnce(path.join(bundleRoot, `body-${plan.bodyHash.slice(0, 20)}-template`, 'api.json'), () => text);
    const body = new DeployTimeBody(this, 'Body', {
      file,
      logRemovalPolicy: this.logRemovalPolicy,
      runtime: props.handlerRuntime ?? lambda.Runtime.NODEJS_24_X,
      architecture: props.handlerArchitecture ?? lambda.Architecture.ARM_64,
    });
    return apigw.ApiDefinition.fromBucket(body.asset.bucket, body.resolvedKey);
  }

  /** Points restApi at the default stage, emits each stage's URL as a stack output; returns the default stage's URL. */
  private addUrls(outputs: boolean): string {
    const names = Object.keys(this.stages).sort();
    const main = this.stages.prod ? 'prod' : names[0];
    if (main === undefined) throw new Error('AwsGateway: the plan has no stage; a spec always has one (stages: { prod: {} } by default)');
    this.restApi.deploymentStage = this.stages[main];
    if (outputs) {
      for (const n of names) {
        // With execute-api turned off (a domain requires client certificates) its URL answers 403:
        // the output is the stage's custom domain, and a stage without one has none (it is unreachable).
        if (this.plan.disableExecuteApiEndpoint) {
          const d = (this.plan.domains ?? []).filter((x) => x.stage === n).sort((a, b) => (a.name < b.name ? -1 : 1))[0];
          if (d) this.urlOutputs[n] = new CfnOutput(this, `Url${pascal(n)}`, { value: `https://${d.name}/${d.basePath ? `${d.basePath}/` : ''}`, description: `URL of the ${n} stage of ${this.plan.apiName} on its custom domain ${d.name} (the execute-api endpoint is off: mutual TLS) (anygate)` });
          continue;
        }
        this.urlOutputs[n] = new CfnOutput(this, `Url${pascal(n)}`, { value: this.urlOf(n), description: `Invoke URL of the ${n} stage of ${this.plan.apiName} (anygate)` });
      }
    }
    return this.urlOf(main);
  }

  /**
   * One DomainName per plan domain (ids from the host name: adding a domain replaces nothing), its
   * mapping to the stage, and an output with the record to create: a CNAME (or a Route 53 ALIAS
   * with the hosted zone id) from the host to the domain's regional or CloudFront name.
   */
  private addDomains(plan: AwsPlan, outputs: boolean): void {
    for (const d of plan.domains ?? []) {
      const id = `Domain${d.id}`;
      const truststore = d.truststoreUri ? /^s3:\/\/([^/]+)\/(.+)$/.exec(d.truststoreUri) : null;
      const domain = new apigw.DomainName(this, id, {
        domainName: d.name,
        certificate: acm.Certificate.fromCertificateArn(this, `${id}Certificate`, d.certificateArn),
        endpointType: apigw.EndpointType[d.endpointType],
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
        ...(truststore ? { mtls: { bucket: s3.Bucket.fromBucketName(this, `${id}Truststore`, truststore[1]), key: truststore[2], ...(d.truststoreVersion ? { version: d.truststoreVersion } : {}) } } : {}),
      });
      const stage = this.stages[d.stage];
      if (d.mapping === 'apiMapping') domain.addApiMapping(stage, { basePath: d.basePath });
      else domain.addBasePathMapping(this.restApi, { ...(d.basePath ? { basePath: d.basePath } : {}), stage });
      this.domainNames[d.name] = domain;
      if (outputs) {
        this.dnsOutputs[d.name] = new CfnOutput(this, `Dns${d.id}`, {
          value: domain.domainNameAliasDomainName,
          description: `DNS for ${d.name}: CNAME ${d.name} to this name (or a Route 53 ALIAS A record with hosted zone ${d.endpointType === 'EDGE' ? 'Z2FDTNDATAQYW2 (CloudFront)' : 'of the regional API Gateway endpoint'}) (anygate)`,
        });
      }
    }
  }

  /** The invoke URL of a stage. */
  urlOf(stage: string): string {
    const s = this.stages[stage];
    if (!s) throw new Error(`AwsGateway: no stage ${JSON.stringify(stage)}; stages: ${Object.keys(this.stages).join(', ')}`);
    return s.urlForPath('/');
  }
}
