/**
 * A target's refusals as errors located the way the model's are: in a YAML or JSON spec at the
 * file:line:column of the refused field (the route's, when the feature names no field of it), each
 * route with its method and path, which is what a path refusal is about.
 */
import { readFileSync } from 'node:fs';
import { refusalIssue, withRouteShape, type SpecIssue, type SynthesisProblem } from '../../lib/model/errors';
import type { LoadedSpec } from '../../lib/model/load';
import type { RouteSpec } from '../../lib/model/types';
import { mappedSpecField } from '../../lib/capabilities/spec-fields';

type Locate = (p: readonly (string | number)[]) => { line: number; column: number } | undefined;

/** The spec path of `feature` at `route` in the input: `routes[i].cache`, or `routes[i]`. */
function inputPath(input: unknown, route: RouteSpec, feature: string): (string | number)[] | undefined {
  const routes = (input as { routes?: unknown } | null)?.routes;
  if (!Array.isArray(routes)) return undefined;
  // Explicit ids match; derived ones by method and path.
  const i = routes.findIndex((r: { id?: unknown; method?: unknown; path?: unknown } | null) => r && (r.id === route.id || (r.id === undefined && String(r.method).toUpperCase() === route.method && r.path === route.path)));
  if (i < 0) return undefined;
  const parts = feature.split('.');
  const field = parts[0] === 'route' ? parts[1] : parts[0];
  return field && Object.prototype.hasOwnProperty.call(routes[i], field) ? ['routes', i, field] : ['routes', i];
}

/**
 * The input path of a gateway-level feature's spec field, when the field is in the input: its
 * mapped field, else the feature id read as a path (`release.canary`).
 */
function gatewayPath(input: unknown, feature: string): string[] | undefined {
  const field = mappedSpecField(feature) ?? feature;
  const parts = field.split('.');
  let at: unknown = input;
  for (const k of parts) {
    if (!at || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, k)) return undefined;
    at = (at as Record<string, unknown>)[k];
  }
  return parts;
}

/**
 * `path` in the input's terms: a domain is named by its name (`['domains', 'api.example.com', ...]`,
 * as the domain records place their refusals: the normalized spec sorts domains), the rest as is.
 */
function inInput(input: unknown, path: readonly (string | number)[]): (string | number)[] {
  if (path[0] !== 'domains' || typeof path[1] !== 'string') return [...path];
  const domains = (input as { domains?: unknown } | null)?.domains;
  const i = Array.isArray(domains) ? domains.findIndex((d: { name?: unknown } | null) => d?.name === path[1]) : -1;
  return i < 0 ? ['domains'] : ['domains', i, ...path.slice(2)];
}

/** Whether the input has a value at `path` (an entry the normalized spec keeps in the input's order). */
function inputHas(input: unknown, path: readonly (string | number)[]): boolean {
  let at: unknown = input;
  for (const k of path) {
    if (!at || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, k)) return false;
    at = (at as Record<string | number, unknown>)[k];
  }
  return true;
}

export function locatedRefusals(problems: readonly SynthesisProblem[], file: string, loaded: Pick<LoadedSpec, 'spec' | 'input' | 'format'>): SpecIssue[] {
  let locate: Locate | undefined;
  const locator = (): Locate | undefined => {
    if (locate || (loaded.format !== 'yaml' && loaded.format !== 'json')) return locate;
    // Parsed again with positions only when there is something to place.
    const { parseDataFile } = require('../../lib/model/load') as typeof import('../../lib/model/load');
    return (locate = parseDataFile(readFileSync(file, 'utf8'), file).locate);
  };
  return problems.map((p) => {
    const route = p.where === 'gateway' ? undefined : loaded.spec.routes.find((r) => r.id === p.where);
    const issue = refusalIssue(withRouteShape(p, loaded.spec.routes), file);
    const given = p.path && inInput(loaded.input, p.path);
    const at = route ? inputPath(loaded.input, route, p.feature) : p.where === 'gateway' ? (given && inputHas(loaded.input, given) ? given : gatewayPath(loaded.input, p.feature)) : undefined;
    const pos = at && locator()?.(at);
    return pos ? { ...issue, ...pos } : issue;
  });
}
