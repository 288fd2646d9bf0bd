/**
 * AwsPlan: everything the AwsGateway construct needs, computed by the pure compiler. Strings in
 * the body may hold `${AWS::Region}`-style pseudo parameters and `${stageVariables.x}`; the
 * binding wraps the former in Fn::Sub, and API Gateway resolves the latter per stage.
 */
import type { AuthorizerConfig, TransformConfig } from '../../lib/runtime/config';

export interface AwsMethodSetting {
  /** API resource path, e.g. `/v1/pets/{petId}`; `/*` with method `*` for the whole stage. */
  readonly resourcePath: string;
  /** HTTP method, or `*`. */
  readonly httpMethod: string;
  readonly cachingEnabled?: boolean;
  readonly cacheTtlInSeconds?: number;
  readonly throttlingRateLimit?: number;
  readonly throttlingBurstLimit?: number;
}

export interface AwsStagePlan {
  readonly name: string;
  readonly description?: string;
  /** Stage variables known at compile time (user variables and backend hosts). */
  readonly variables: Record<string, string>;
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

export interface AwsUsagePlan {
  readonly description?: string;
  readonly quota?: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

export interface AwsApiKey {
  readonly plan: string;
  readonly description?: string;
  /** Secrets Manager secret holding the key value; absent: API Gateway generates the key. */
  readonly secretName?: string;
}

/** A user-supplied function (backend or custom authorizer) the API invokes. */
export interface AwsFunctionBinding {
  readonly binding: string;
  /** Stage variable holding the function name. */
  readonly stageVariable: string;
  /** Route ids (or `authorizer:<name>`) that use it, for error messages. */
  readonly usedBy: string[];
}

export interface AwsPlan {
  readonly apiName: string;
  /** OpenAPI 3.0 body with x-amazon-apigateway extensions. */
  readonly body: Record<string, unknown>;
  /** sha256 of the body: drives the deployment's logical id. */
  readonly bodyHash: string;
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  readonly stages: Record<string, AwsStagePlan>;
  readonly usagePlans: Record<string, AwsUsagePlan>;
  readonly apiKeys: Record<string, AwsApiKey>;
  readonly functions: AwsFunctionBinding[];
  /** The generated REQUEST authorizer, when a route needs one. */
  readonly authorizer?: { readonly stageVariable: string; readonly config: AuthorizerConfig };
  /** The generated transform function, when a route needs one. */
  readonly transform?: { readonly stageVariable: string; readonly config: TransformConfig; readonly invokes: string[] };
  /** API Gateway resources the body defines. */
  readonly resourceCount: number;
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
