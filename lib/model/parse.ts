/**
 * Structural parsing, section by section: each backend, authorizer, plan, consumer, stage and
 * route is checked on its own, so one broken entry does not hide the errors of the others and
 * the cross-reference checks still run on every entry that parsed.
 */
import { z } from 'zod';
import type { SpecIssue } from './errors';
import {
  Authorizer,
  Backend,
  Consumer,
  Cors,
  Defaults,
  GatewaySchema,
  IpRules,
  Name,
  Observability,
  Plan,
  Release,
  Route,
  Stage,
  Versions,
} from './schema';
import { didYouMean, fromZodIssue } from './zod-issues';
import { McpServer } from './mcp';
import { Revisions } from './revisions';

/** Entries of a named section: those that parsed, and every name that was present. */
export interface Section<T> {
  readonly entries: Map<string, T>;
  readonly present: Set<string>;
}

export interface ParsedGateway {
  readonly top: {
    name?: string;
    version?: string;
    basePath?: string;
    description?: string;
    aws?: z.output<typeof GatewaySchema.shape.aws>;
    azure?: z.output<typeof GatewaySchema.shape.azure>;
    kubernetes?: z.output<typeof GatewaySchema.shape.kubernetes>;
    errors?: z.output<typeof GatewaySchema.shape.errors>;
    ignoreWarnings?: string[];
    mcp?: z.output<typeof McpServer>;
    components?: z.output<typeof GatewaySchema.shape.components>;
  };
  readonly backends: Section<z.output<typeof Backend>>;
  readonly authorizers: Section<z.output<typeof Authorizer>>;
  readonly plans: Section<z.output<typeof Plan>>;
  readonly consumers: Section<z.output<typeof Consumer>>;
  readonly stages: Section<z.output<typeof Stage>>;
  /** Index in the input list, and the route if it parsed. */
  readonly routes: { index: number; route?: z.output<typeof Route> }[];
  readonly cors?: z.output<typeof Cors>;
  readonly ipRules?: z.output<typeof IpRules>;
  readonly defaults?: z.output<typeof Defaults>;
  readonly observability?: z.output<typeof Observability>;
  readonly domains?: z.output<typeof GatewaySchema.shape.domains>;
  readonly versions?: z.output<typeof Versions>;
  readonly revisions?: z.output<typeof Revisions>;
  readonly release?: z.output<typeof Release>;
  /** True when every section parsed cleanly. */
  readonly complete: boolean;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, path: (string | number)[], issues: SpecIssue[]): z.output<T> | undefined {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  for (const i of r.error.issues) issues.push(...fromZodIssue(i, path, schema, value));
  return undefined;
}

function parseSection<T extends z.ZodType>(input: Record<string, unknown>, key: string, schema: T, issues: SpecIssue[]): Section<z.output<T>> {
  const entries = new Map<string, z.output<T>>();
  const present = new Set<string>();
  const raw = input[key];
  if (raw === undefined || raw === null) return { entries, present };
  if (!isPlainObject(raw)) {
    issues.push({ path: [key], rule: 'schema', message: `must be a mapping of name to ${key.replace(/s$/, '')}`, severity: 'error' });
    return { entries, present };
  }
  for (const name of Object.keys(raw).sort()) {
    present.add(name);
    const nameOk = parseWith(Name, name, [key, name], issues) !== undefined;
    const value = parseWith(schema, raw[name], [key, name], issues);
    if (nameOk && value !== undefined) entries.set(name, value);
  }
  return { entries, present };
}

/** Parses the structure of a gateway input; every problem found is appended to `issues`. */
export function parseGateway(input: unknown, issues: SpecIssue[]): ParsedGateway {
  const before = issues.length;
  const empty = <T>(): Section<T> => ({ entries: new Map(), present: new Set() });
  if (!isPlainObject(input)) {
    issues.push({ path: [], rule: 'schema', message: `a gateway spec must be a mapping with at least "name" and "routes" (got ${input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input})`, severity: 'error' });
    return { top: {}, backends: empty(), authorizers: empty(), plans: empty(), consumers: empty(), stages: empty(), routes: [], complete: false };
  }
  const shape = GatewaySchema.shape;
  for (const key of Object.keys(input).sort()) {
    if (!(key in shape)) {
      issues.push({ path: [key], rule: 'unknown-key', message: `unknown key ${JSON.stringify(key)}${didYouMean(key, Object.keys(shape))}; allowed: ${Object.keys(shape).join(', ')}`, severity: 'error' });
    }
  }
  const top: ParsedGateway['top'] = {};
  if (input.name === undefined) issues.push({ path: ['name'], rule: 'schema', message: 'is required: name the gateway (it names the API in every cloud)', severity: 'error' });
  else top.name = parseWith(shape.name, input.name, ['name'], issues);
  for (const k of ['version', 'basePath', 'description'] as const) {
    if (input[k] !== undefined) top[k] = parseWith(shape[k], input[k], [k], issues) as string | undefined;
  }
  if (input.aws !== undefined) top.aws = parseWith(shape.aws, input.aws, ['aws'], issues);
  if (input.azure !== undefined) top.azure = parseWith(shape.azure, input.azure, ['azure'], issues);
  if (input.kubernetes !== undefined) top.kubernetes = parseWith(shape.kubernetes, input.kubernetes, ['kubernetes'], issues);
  if (input.errors !== undefined) top.errors = parseWith(shape.errors, input.errors, ['errors'], issues);
  if (input.ignoreWarnings !== undefined) top.ignoreWarnings = parseWith(shape.ignoreWarnings, input.ignoreWarnings, ['ignoreWarnings'], issues);
  if (input.mcp !== undefined) top.mcp = parseWith(McpServer, input.mcp, ['mcp'], issues);
  if (input.components !== undefined) top.components = parseWith(shape.components, input.components, ['components'], issues);
  const routes: ParsedGateway['routes'] = [];
  if (input.routes !== undefined) {
    if (!Array.isArray(input.routes)) {
      issues.push({ path: ['routes'], rule: 'schema', message: 'must be a list of routes', severity: 'error' });
    } else {
      input.routes.forEach((r, index) => routes.push({ index, route: parseWith(Route, r, ['routes', index], issues) }));
    }
  }
  const opt = <T extends z.ZodType>(k: string, s: T) => (input[k] === undefined ? undefined : parseWith(s, input[k], [k], issues));
  return {
    top,
    backends: parseSection(input, 'backends', Backend, issues),
    authorizers: parseSection(input, 'authorizers', Authorizer, issues),
    plans: parseSection(input, 'plans', Plan, issues),
    consumers: parseSection(input, 'consumers', Consumer, issues),
    stages: parseSection(input, 'stages', Stage, issues),
    routes,
    cors: opt('cors', Cors),
    ipRules: opt('ipRules', IpRules),
    defaults: opt('defaults', Defaults),
    observability: opt('observability', Observability),
    domains: opt('domains', GatewaySchema.shape.domains),
    versions: opt('versions', Versions),
    revisions: opt('revisions', Revisions),
    release: opt('release', Release),
    complete: issues.length === before,
  };
}
