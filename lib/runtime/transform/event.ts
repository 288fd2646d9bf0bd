import { pathValue } from './text';

/** The API Gateway proxy event the transform handler and its transports read (its own module, so the transport does not import the handler). */
export interface ProxyEvent {
  resource: string;
  path?: string;
  httpMethod: string;
  headers?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  stageVariables?: Record<string, string | undefined> | null;
  requestContext?: { authorizer?: Record<string, unknown> | null } & Record<string, unknown>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** The event's headers with lower-case names (API Gateway keeps the client's spelling). */
export function lowerHeaders(h: ProxyEvent['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

/** The request body's bytes, decoded from API Gateway's base64 when it says so. */
export function eventBody(event: ProxyEvent): Buffer | undefined {
  return event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
}

/**
 * The backend path of a route for this request: `{name}` or greedy `{name+}` filled from the path
 * parameters (API Gateway passes a greedy value under the bare name; `rename` maps the backend's
 * names to the route's). Throws BadInput for a value the backend path cannot carry.
 */
export function backendPathOf(route: { backendPath: string; rename: Record<string, string> }, event: ProxyEvent): string {
  return route.backendPath.replace(/\{([^}+]+)(\+?)\}/g, (_, name: string, plus: string) => pathValue(event.pathParameters?.[route.rename[name] ?? name] ?? '', plus === '+'));
}
