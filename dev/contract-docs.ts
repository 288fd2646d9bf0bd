/**
 * The contract, served by `anygate dev` beside its live view: `GET /__anygate/openapi.json` (the
 * export: what every target publishes) and `GET /__anygate/docs` (a self-contained page). Under
 * the admin prefix, so they never shadow a route of the spec.
 *
 * A spec whose versions (or revisions) share a method and path does not fit one OpenAPI document,
 * nor does one with path versions (each served under its own segment); synth then writes one a
 * version (openapi/<version>.json, lib/openapi/export.ts openApiFiles), and
 * dev serves the same files under `/__anygate/`, each with its page at `/__anygate/docs/<file>`
 * (without `.json`). `/__anygate/openapi.json` and `/__anygate/docs` then answer 404 naming them.
 */
import type { GatewaySpec } from '../lib/model/types';
import { docsHtml } from '../lib/openapi/docs-html';
import { openApiFiles, type OpenApiFile } from '../lib/openapi/export';

type Answer = { status: number; headers: Record<string, string>; body: string };

const JSON_TYPE = { 'content-type': 'application/json' };
const HTML_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'", 'x-content-type-options': 'nosniff' };

/** The documents of a spec, kept for the spec object (dev serves one spec until it reloads). */
const bySpec = new WeakMap<GatewaySpec, OpenApiFile[]>();
function files(spec: GatewaySpec): OpenApiFile[] {
  let f = bySpec.get(spec);
  if (!f) bySpec.set(spec, (f = openApiFiles(spec)));
  return f;
}

/** The answer for a contract endpoint, or undefined when `path` is none of them. */
export function contractEndpoint(spec: GatewaySpec, path: string, method: string | undefined): Answer | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (path !== '/__anygate/openapi.json' && path !== '/__anygate/docs' && !path.startsWith('/__anygate/openapi/') && !path.startsWith('/__anygate/docs/')) return undefined;
  const docs = files(spec);
  const json = (f: OpenApiFile): Answer => ({ status: 200, headers: JSON_TYPE, body: JSON.stringify(f.document, null, 2) });
  const page = (f: OpenApiFile): Answer => ({ status: 200, headers: HTML_HEADERS, body: docsHtml(f.document as never) });
  const whole = docs.length === 1 && docs[0]!.file === 'openapi.json' ? docs[0] : undefined;
  if (path === '/__anygate/openapi.json' || path === '/__anygate/docs') {
    if (whole) return path === '/__anygate/docs' ? page(whole) : json(whole);
    const list = docs.map((f) => `/__anygate/${path === '/__anygate/docs' ? `docs/${f.file.replace(/\.json$/, '')}` : f.file}`);
    const why = spec.versions?.scheme === 'path' ? 'each path version is served under its own segment' : "the spec's versions share a method and path";
    return { status: 404, headers: JSON_TYPE, body: JSON.stringify({ message: `${why}, so its contract is one document a version: ${list.join(', ')}`, documents: list }, null, 2) };
  }
  const one = docs.find((f) => `/__anygate/${f.file}` === path || `/__anygate/docs/${f.file.replace(/\.json$/, '')}` === path);
  if (!one || whole) return undefined;
  return path.startsWith('/__anygate/docs/') ? page(one) : json(one);
}
