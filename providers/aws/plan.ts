/**
 * AwsPlan: everything the AwsGateway construct needs, computed by the pure compiler. Strings in
 * the body may hold `${AWS::Region}`-style pseudo parameters and `${stageVariables.x}`; the
 * binding wraps the former in Fn::Sub, and API Gateway resolves the latter per stage.
 */
import type { AwsObservabilityPlan } from './observability';
import type { AuthorizerConfig, TransformConfig } from '../../lib/runtime/config';
import type { AwsDomainPlan } from './domains';
import type { LlmProxyConfig } from '../../lib/runtime/llm/config';

/** The generated LLM proxy of a plan. */
export interface AwsLlmPlan {
  readonly stageVariable: string;
  readonly config: LlmProxyConfig;
  /** Backend name -> the Secrets Manager secret (name or ARN) holding its provider key. */
  readonly secrets: Record<string, string>;
  /** True when a backend has a token budget: the construct creates the DynamoDB table. */
  readonly tokenTable: boolean;
  /** Bedrock guardrail ids (or ARNs) the proxy applies. */
  readonly guardrails: string[];
}

/** A per-method override of the stage settings; complete, since overrides inherit nothing. */
export interface AwsMethodSetting {
  /** API resource path, e.g. `/v1/pets/{petId}`. */
  readonly resourcePath: string;
  /** A concrete HTTP method (ANY routes get one entry per method they serve). */
  readonly httpMethod: string;
  readonly cachingEnabled: boolean;
  readonly cacheTtlInSeconds?: number;
  readonly throttlingRateLimit?: number;
  readonly throttlingBurstLimit?: number;
  readonly loggingLevel: 'OFF' | 'ERROR' | 'INFO';
  readonly metricsEnabled: boolean;
  readonly dataTraceEnabled: boolean;
}

export interface AwsStagePlan {
  readonly name: string;
  readonly description?: string;
  /** Stage variables known at compile time (user variables and backend hosts). */
  readonly variables: Record<string, string>;
  /** The stage's canary (release.canary): the share of requests whose backend variable is overridden. @default - no canary */
  readonly canary?: AwsCanaryPlan;
  /** The stage-wide cache setting (API Gateway applies it to GET methods only). */
  readonly caching: { readonly enabled: boolean; readonly ttlSeconds?: number };
  /** Methods whose settings differ from the stage-wide ones. */
  readonly methodSettings: AwsMethodSetting[];
  readonly cacheClusterEnabled: boolean;
  readonly cacheClusterSize?: string;
  readonly tracing: boolean;
  readonly logLevel: 'OFF' | 'ERROR' | 'INFO';
  readonly metrics: boolean;
  readonly accessLogs: boolean;
  readonly logRetentionDays: number;
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** CloudFormation's Stage CanarySetting, on the stage's own deployment: only the backend differs. */
export interface AwsCanaryPlan {
  readonly percentTraffic: number;
  readonly stageVariableOverrides: Record<string, string>;
}

/** A usage plan of one stage: keys and quotas never span stages. */
export interface AwsUsagePlan {
  /** The spec's plan name. */
  readonly plan: string;
  readonly stage: string;
  readonly description?: string;
  readonly quota?: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** The API key of one consumer on one stage. */
export interface AwsApiKey {
  readonly consumer: string;
  readonly stage: string;
  /** Id of its usage plan in AwsPlan.usagePlans. */
  readonly usagePlan: string;
  readonly description?: string;
  /** Secrets Manager secret holding the key value; absent: API Gateway generates the key. */
  readonly secretName?: string;
  /** JSON field of the secret holding this stage's key (gateways with several stages). */
  readonly secretField?: string;
}

/** A user-supplied function (backend or custom authorizer) the API invokes. */
export interface AwsFunctionBinding {
  readonly binding: string;
  /** Stage variable holding the function name. */
  readonly stageVariable: string;
  /** Route ids (or `authorizer:<name>`) that use it, for error messages. */
  readonly usedBy: string[];
}

/** One route as an AgentCore tool: its method and path in the body (API Gateway's resource path). */
export interface AwsMcpTool {
  readonly name: string;
  readonly path: string;
  readonly method: string;
  readonly description: string;
}

/** Routes as MCP tools through an AgentCore Gateway per stage (lib/capabilities/targets/aws-mcp.ts). */
export interface AwsMcpPlan {
  /** @default - none */
  readonly description?: string;
  readonly targetName: string;
  /** Sorted by name. */
  readonly tools: AwsMcpTool[];
  /**
   * sha256 (16 hex) of the tools' schemas (lib/model/tool-schema.ts): in the GatewayTarget's
   * description, so a change of a tool's arguments updates the target and AgentCore re-reads the
   * stage's export (it keeps a snapshot taken when the target is created or updated).
   */
  readonly schemaHash: string;
}

export interface AwsPlan {
  readonly apiName: string;
  readonly description?: string;
  /** OpenAPI 3.0 body with x-amazon-apigateway extensions. */
  readonly body: Record<string, unknown>;
  /** sha256 of the body: drives the deployment's logical id. */
  readonly bodyHash: string;
  /** The documentation snapshot every stage publishes (the body's documentation parts). @default - none: the spec documents nothing */
  readonly documentationVersion?: string;
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  readonly stages: Record<string, AwsStagePlan>;
  /** Usage plans by id (the plan name with one stage, `<plan>-<stage>` with several). */
  readonly usagePlans: Record<string, AwsUsagePlan>;
  /** API keys by id (the consumer name with one stage, `<consumer>-<stage>` with several). */
  readonly apiKeys: Record<string, AwsApiKey>;
  readonly functions: AwsFunctionBinding[];
  /** The generated REQUEST authorizer, when a route needs one. */
  readonly authorizer?: { readonly stageVariable: string; readonly config: AuthorizerConfig };
  /** The generated transform function, when a route needs one. */
  readonly transform?: { readonly stageVariable: string; readonly config: TransformConfig; readonly invokes: string[] };
  /** The generated LLM proxy, when a route's backend is a model (providers/aws/llm.ts). @default - none */
  readonly llm?: AwsLlmPlan;
  /** Routes as MCP tools. @default - none: no route is a tool */
  readonly mcp?: AwsMcpPlan;
  /** API Gateway resources the body defines. */
  readonly resourceCount: number;
  /** Custom domains and their mappings (providers/aws/domains.ts). @default - none */
  readonly domains?: AwsDomainPlan[];
  /** Turn off the execute-api endpoint (a domain requires client certificates). @default false */
  readonly disableExecuteApiEndpoint?: boolean;
  /** Access-log format, alarms, metric filters and dashboards (providers/aws/observability.ts). */
  readonly observability: AwsObservabilityPlan;
  readonly warnings: string[];
}

/** Stage variables anygate itself sets. User variables may not start with this prefix. */
export const RESERVED_STAGE_VARIABLE_PREFIX = 'anygate_';
export const AUTHORIZER_STAGE_VARIABLE = 'anygate_authorizer';
export const TRANSFORM_STAGE_VARIABLE = 'anygate_transform';

/** Stage variable naming a function binding. */
export function functionStageVariable(binding: string): string {
  return `anygate_fn_${binding.replace(/-/g, '_')}`;
}

/** Stage variable holding a backend's host (and path prefix) when stages override it. */
export function backendStageVariable(backend: string): string {
  return `anygate_backend_${backend.replace(/-/g, '_')}`;
}

/** Lambda integration URI through a stage variable, with pseudo parameters for Fn::Sub. */
export function lambdaUri(stageVariable: string): string {
  return `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:\${stageVariables.${stageVariable}}/invocations`;
}
