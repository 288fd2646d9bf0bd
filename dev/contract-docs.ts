/**
 * The contract, served by `anygate dev` beside its live view: `GET /__anygate/openapi.json` (the
 * export: what every target publishes) and `GET /__anygate/docs` (a self-contained page). Under
 * the admin prefix, so they never shadow a route of the spec.
 */
import type { GatewaySpec } from '../lib/model/types';
import { docsHtml } from '../lib/openapi/docs-html';
import { exportOpenApi } from '../lib/openapi/export';

/** The answer for a contract endpoint, or undefined when `path` is none of them. */
export function contractEndpoint(spec: GatewaySpec, path: string, method: string | undefined): { status: number; headers: Record<string, string>; body: string } | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (path === '/__anygate/openapi.json') return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(exportOpenApi(spec), null, 2) };
  if (path === '/__anygate/docs') {
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'", 'x-content-type-options': 'nosniff' }, body: docsHtml(exportOpenApi(spec) as never) };
  }
  return undefined;
}
