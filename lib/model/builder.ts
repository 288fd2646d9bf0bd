/**
 * The typed builder: the way TypeScript users write a gateway, in the style of a CDK construct.
 *
 * ```ts
 * const gw = new Gateway({ name: 'petstore' });
 * const pets = gw.httpBackend('pets', 'https://pets.example.com');
 * const jwt = gw.jwtAuthorizer('jwt', { issuer: 'https://id.example.com', audiences: ['petstore'] });
 * gw.route('GET /pets/{id}', { backend: pets, auth: [jwt], cache: { ttlSeconds: 60 } });
 * const spec = gw.toSpec(); // validated, canonical GatewaySpec
 * ```
 */
import type { ComponentKind } from './contract';
import { AnygateError } from './errors';
import { toGatewaySpec, validateGateway, type ValidationResult } from './normalize';
import type {
  AuthorizerInput,
  BackendInput,
  ConsumerInput,
  CorsInput,
  DefaultsInput,
  GatewayInput,
  IpRulesInput,
  ObservabilityInput,
  PlanInput,
  RouteInput,
  StageInput,
} from './schema';
import type { GatewaySpec, HttpMethod } from './types';

/** A named thing defined on a gateway, usable wherever its name is. */
export interface Ref {
  readonly name: string;
}

type RefOr = string | Ref;

/**
 * Gateway fields the builder fills through its methods (`httpBackend`, `jwtAuthorizer`, `addPlan`,
 * `addConsumer`, `addStage`, `route`, `component`), not through props.
 */
export type BuiltByMethods = 'backends' | 'authorizers' | 'plans' | 'consumers' | 'stages' | 'routes' | 'components';

/**
 * Props of a Gateway: every top-level spec field (the schema's input type, so a field added to the
 * schema is a prop without touching this file) except the named collections, which have their own
 * methods, and with `defaults` taking backend and authorizer refs. The fields are documented here
 * as in the schema (docs/model.md).
 */
export interface GatewayProps extends Omit<GatewayInput, BuiltByMethods | 'defaults'> {
  /** Gateway name; names the API in every cloud. */
  readonly name: string;
  /** API version string. @default '1.0.0' */
  readonly version?: string;
  /** Path prefix of every route. @default '/' */
  readonly basePath?: string;
  /** @default - none */
  readonly description?: string;
  /** Cross-origin resource sharing. @default - CORS disabled */
  readonly cors?: CorsInput;
  /** Source IP allow and deny lists. @default - any source */
  readonly ipRules?: IpRulesInput;
  /** Route policy applied to every route that does not set its own. @default - none */
  readonly defaults?: Omit<DefaultsInput, 'backend' | 'auth'> & { backend?: RefOr; auth?: AuthOption };
  /** Access logs, tracing and metrics. @default - access logs on, tracing off */
  readonly observability?: ObservabilityInput;
  /** Warning rule ids this spec silences wherever it is loaded (as `--ignore` does for one run); errors cannot be silenced. @default - none */
  readonly ignoreWarnings?: GatewayInput['ignoreWarnings'];
  /** What callers see when the gateway itself refuses a request: `anygate` (one JSON error shape on every target) or `native` (each cloud's own). @default 'anygate' */
  readonly errors?: GatewayInput['errors'];
  /** Custom domains the gateway answers on, with their certificates, base paths and mutual TLS (docs/domains.md). @default - only the cloud's own host name */
  readonly domains?: GatewayInput['domains'];
  /** Options only the AWS adapter reads. @default - none */
  readonly aws?: GatewayInput['aws'];
  /** Options only the Azure adapter reads (`sku`: a component or CLI option wins). @default - none (Developer SKU) */
  readonly azure?: GatewayInput['azure'];
  /** Options only the Kubernetes adapter reads. @default - none */
  readonly kubernetes?: GatewayInput['kubernetes'];
  /** The gateway as an MCP server whose tools are routes. @default - a server only when a route has an mcp block */
  readonly mcp?: GatewayInput['mcp'];
  /** API versions and how clients select one (docs/lifecycle.md). @default - one unversioned API */
  readonly versions?: GatewayInput['versions'];
  /** API revisions: numbered contents at one address, one current. @default - one content */
  readonly revisions?: GatewayInput['revisions'];
  /** Release settings (canary). @default - every request goes to the route's backend */
  readonly release?: GatewayInput['release'];
}

/** `'none'`, one authorizer, or alternatives (any one suffices; an inner list requires all). */
export type AuthOption =
  | 'none'
  | RefOr
  | (RefOr | RefOr[])[]
  | {
      /** One authorizer, or alternatives (any one suffices; an inner list requires all). */
      readonly anyOf: RefOr | (RefOr | RefOr[])[];
      /** Let a request without any of these credentials in anonymously; a presented one must be valid. @default false */
      readonly optional?: boolean;
    };

/** Options of one route; the method and path come from the route's key (`'GET /pets/{id}'`). */
export type RouteOptions = Omit<RouteInput, 'method' | 'path' | 'backend' | 'auth'> & {
  /** Backend serving the route. @default defaults.backend */
  readonly backend?: RefOr;
  /** Who may call the route. @default defaults.auth */
  readonly auth?: AuthOption;
};

const METHODS = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

function nameOf(r: RefOr): string {
  return typeof r === 'string' ? r : r.name;
}

function authOf(a: AuthOption | undefined): RouteInput['auth'] {
  if (a === undefined || a === 'none') return a;
  if (typeof a === 'object' && 'anyOf' in a) {
    const anyOf = authOf(a.anyOf) as string | (string | string[])[];
    return a.optional === undefined ? { anyOf } : { anyOf, optional: a.optional };
  }
  if (!Array.isArray(a)) return nameOf(a);
  return a.map((alt) => (Array.isArray(alt) ? alt.map(nameOf) : nameOf(alt)));
}

/** A gateway definition under construction. */
export class Gateway {
  /** The gateway's name. */
  readonly name: string;
  private readonly props: GatewayProps;
  private readonly backends: Record<string, BackendInput> = {};
  private readonly authorizers: Record<string, AuthorizerInput> = {};
  private readonly plans: Record<string, PlanInput> = {};
  private readonly consumers: Record<string, ConsumerInput> = {};
  private readonly stages: Record<string, StageInput> = {};
  private readonly routes: RouteInput[] = [];
  private readonly components: Partial<Record<ComponentKind, Record<string, unknown>>> = {};

  constructor(props: GatewayProps) {
    this.props = props;
    this.name = props.name;
  }

  private define<T>(kind: string, map: Record<string, T>, name: string, value: T): Ref {
    if (Object.prototype.hasOwnProperty.call(map, name)) {
      throw new AnygateError(`gateway ${this.name}: ${kind} ${JSON.stringify(name)} is already defined; each ${kind} needs its own name`);
    }
    map[name] = value;
    return { name };
  }

  /** Adds a backend of any type. */
  addBackend(name: string, backend: BackendInput): Ref {
    return this.define('backend', this.backends, name, backend);
  }

  /** Adds an HTTP(S) backend at `url`. */
  httpBackend(name: string, url: string, options: Omit<Extract<BackendInput, { type: 'http' }>, 'type' | 'url' | 'targets'> = {}): Ref {
    return this.addBackend(name, { type: 'http', url, ...options });
  }

  /** Adds a function backend; each cloud binds `binding` (default: the name) to a function. */
  functionBackend(name: string, options: Omit<Extract<BackendInput, { type: 'function' }>, 'type'> = {}): Ref {
    return this.addBackend(name, { type: 'function', ...options });
  }

  /** Adds a mock backend that answers without calling anything. */
  mockBackend(name: string, options: Omit<Extract<BackendInput, { type: 'mock' }>, 'type'> = {}): Ref {
    return this.addBackend(name, { type: 'mock', ...options });
  }

  /** Adds an authorizer of any type. */
  addAuthorizer(name: string, authorizer: AuthorizerInput): Ref {
    return this.define('authorizer', this.authorizers, name, authorizer);
  }

  /** Adds a JWT authorizer. */
  jwtAuthorizer(name: string, options: Omit<Extract<AuthorizerInput, { type: 'jwt' }>, 'type'>): Ref {
    return this.addAuthorizer(name, { type: 'jwt', ...options });
  }

  /** Adds an API-key authorizer (header `x-api-key` unless told otherwise). */
  apiKeyAuthorizer(name: string, options: Omit<Extract<AuthorizerInput, { type: 'apiKey' }>, 'type'> = {}): Ref {
    return this.addAuthorizer(name, { type: 'apiKey', ...options });
  }

  /** Adds a plan (quota and rate limit for a consumer tier). */
  addPlan(name: string, plan: PlanInput): Ref {
    return this.define('plan', this.plans, name, plan);
  }

  /** Adds a consumer: a named API-key holder on a plan. */
  addConsumer(name: string, consumer: Omit<ConsumerInput, 'plan'> & { plan: RefOr }): Ref {
    return this.define('consumer', this.consumers, name, { ...consumer, plan: nameOf(consumer.plan) });
  }

  /** Adds a deployment stage. */
  addStage(name: string, stage: StageInput = {}): Ref {
    return this.define('stage', this.stages, name, stage);
  }

  /**
   * Adds a shared contract part (an OpenAPI component) and returns the `$ref` object that names it,
   * for route contracts: `const pet = gw.component('schemas', 'Pet', { type: 'object', ... })`, then
   * `contract: { responses: { 200: { description: 'A pet', content: { 'application/json': { schema: pet } } } } }`.
   */
  component(kind: ComponentKind, name: string, value: unknown): { $ref: string } {
    this.define(`component ${kind}`, (this.components[kind] ??= {}), name, value);
    return { $ref: `#/components/${kind}/${name}` };
  }

  /**
   * Adds a route. `key` is `'METHOD /path'`, e.g. `'GET /pets/{id}'` or `'ANY /files/{path+}'`.
   * Problems with the route itself are reported together by toSpec()/validate().
   */
  route(key: string, options: RouteOptions): this {
    const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(key);
    const method = m?.[1].toUpperCase() as HttpMethod | undefined;
    if (!m || !method || !METHODS.has(method)) {
      throw new AnygateError(
        `gateway ${this.name}: route key ${JSON.stringify(key)} must be "METHOD /path" with METHOD one of ${[...METHODS].join(', ')}`,
      );
    }
    const { backend, auth, ...rest } = options;
    this.routes.push({
      ...rest,
      method,
      path: m[2],
      ...(backend !== undefined ? { backend: nameOf(backend) } : {}),
      ...(auth !== undefined ? { auth: authOf(auth) } : {}),
    });
    return this;
  }

  /** The gateway as plain input data (what a YAML spec would hold). */
  toJSON(): GatewayInput {
    const { defaults, ...props } = this.props;
    const nonEmpty = <T extends object>(o: T) => (Object.keys(o).length ? o : undefined);
    const out: GatewayInput = {
      ...props,
      defaults: defaults && {
        ...defaults,
        backend: defaults.backend === undefined ? undefined : nameOf(defaults.backend),
        auth: authOf(defaults.auth),
      },
      backends: nonEmpty(this.backends),
      authorizers: nonEmpty(this.authorizers),
      plans: nonEmpty(this.plans),
      consumers: nonEmpty(this.consumers),
      stages: nonEmpty(this.stages),
      routes: this.routes,
      components: nonEmpty(this.components) as GatewayInput['components'],
    };
    return JSON.parse(JSON.stringify(out)) as GatewayInput;
  }

  /** Validates without throwing: every error and warning, and the spec when valid. */
  validate(): ValidationResult {
    return validateGateway(this.toJSON());
  }

  /** The validated, canonical GatewaySpec. Throws SpecValidationError listing every error. */
  toSpec(): GatewaySpec {
    return toGatewaySpec(this.toJSON());
  }
}

/** True for a Gateway built by this module (also across duplicate module copies). */
export function isGateway(x: unknown): x is Gateway {
  return x instanceof Gateway || (typeof x === 'object' && x !== null && typeof (x as Gateway).toSpec === 'function' && typeof (x as Gateway).toJSON === 'function');
}
