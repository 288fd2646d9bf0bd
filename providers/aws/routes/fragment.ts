/**
 * The shape every AWS route emitter shares: `(route, context) -> fragment`. compile.ts runs one
 * emitter per route concern (auth, validation, limits, cache, transform, backend) and merges their
 * fragments into one OpenAPI operation, stage method settings and the generated functions' config.
 */
import type { SynthesisProblem } from '../../../lib/model/errors';
import type { GatewaySpec } from '../../../lib/model/types';
import type { TransformRoute } from '../../../lib/runtime/config';
import type { LlmRoute } from '../../../lib/runtime/llm/config';
import type { AwsAuth } from '../auth';
import type { AwsResource } from '../resources';

export interface RouteContext {
  readonly spec: GatewaySpec;
  readonly target: string;
  /** This route's API Gateway resource (renamed path variables, ARN pattern). */
  readonly resource: AwsResource;
  readonly auth: AwsAuth;
  /** CORS settings the transform function applies to actual responses. */
  readonly cors: TransformRoute['cors'];
  readonly problems: SynthesisProblem[];
}

export interface MethodParam {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
}

/** Per-method stage settings a route asks for (absent: the stage's own). */
export interface RouteSettings {
  readonly cache?: { readonly ttlSeconds: number };
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** An API Gateway DocumentationPart, as `x-amazon-apigateway-documentation` imports it. */
export interface DocumentationPart {
  readonly location: {
    readonly type: 'API' | 'METHOD' | 'QUERY_PARAMETER' | 'REQUEST_HEADER' | 'PATH_PARAMETER' | 'REQUEST_BODY' | 'RESPONSE';
    readonly path?: string;
    readonly method?: string;
    readonly name?: string;
    readonly statusCode?: string;
  };
  readonly properties: Record<string, unknown>;
}

export interface RouteFragment {
  /** Method request parameters the fragment reads. */
  readonly params?: MethodParam[];
  /** Fields of the OpenAPI operation. */
  readonly operation?: Record<string, unknown>;
  /** Fields of x-amazon-apigateway-integration. */
  readonly integration?: Record<string, unknown>;
  /** Component schemas (request and response models). */
  readonly schemas?: Record<string, unknown>;
  /** Documentation parts of the route's contract. */
  readonly documentation?: DocumentationPart[];
  /** Request validator name. */
  readonly validator?: string;
  /** The generated transform function's entry for this route. */
  readonly transform?: TransformRoute;
  /** The generated LLM proxy's entry for this route (providers/aws/llm.ts). */
  readonly llm?: LlmRoute;
  /** Function bindings the route invokes directly. */
  readonly bindings?: string[];
  readonly settings?: RouteSettings;
  /** True when responses come from a backend untouched (CORS headers are then the backend's job). */
  readonly proxied?: boolean;
}

export type RouteEmitter = (route: GatewaySpec['routes'][number], ctx: RouteContext) => RouteFragment;
