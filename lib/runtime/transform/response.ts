/**
 * The response side of the transform function: decompression, header rewrites, redaction and
 * CORS. Redaction fails closed: when fields must be removed and the body is not JSON (whatever
 * its content type says, and with no content type at all), the answer is 502, never the body.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { TransformRoute } from '../config';
import { redactJson } from './redact';

export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

// Headers that describe one hop, not the message.
export const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-connection']);

/**
 * The hop-by-hop headers of one message: the fixed set, plus every header its `Connection` header
 * names (RFC 9110 section 7.6.1: a proxy removes them before forwarding, in both directions; a
 * client could otherwise have a header the gateway set or checked dropped, or one only meant for
 * the gateway passed on). `headers` are lower-case.
 */
export function hopHeaders(headers: Record<string, string>): ReadonlySet<string> {
  const connection = headers.connection;
  if (!connection) return HOP;
  // Most clients send `Connection: keep-alive`, already in the fixed set: no new set for them.
  const named = connection.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t && !HOP.has(t));
  return named.length ? new Set([...HOP, ...named]) : HOP;
}

const DECODERS: Record<string, (b: Buffer) => Buffer> = { gzip: gunzipSync, 'x-gzip': gunzipSync, deflate: inflateSync, br: brotliDecompressSync };

export function jsonError(statusCode: number, message: string): ProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }), isBase64Encoded: false };
}

/**
 * The body as the client should get it. A body in a content coding Node knows (gzip, deflate, br)
 * is decompressed and its content-encoding dropped: API Gateway sends what the function returns
 * as is, and it may compress again itself. Another coding is passed on untouched, header
 * included. Returns undefined when a declared coding does not decode.
 */
function decoded(headers: Record<string, string>, body: Buffer): Buffer | undefined {
  const coding = headers['content-encoding']?.trim().toLowerCase();
  if (!coding || coding === 'identity') {
    delete headers['content-encoding'];
    return body;
  }
  const decode = DECODERS[coding];
  if (!decode) return body;
  try {
    body = body.length ? decode(body) : body;
  } catch {
    return undefined;
  }
  delete headers['content-encoding'];
  return body;
}

function redacted(fields: string[], body: Buffer, headers: Record<string, string>): Buffer | undefined {
  // An empty body holds no fields (204, HEAD); anything else must be JSON in a coding we read.
  if (!fields.length || !body.length) return body;
  if (headers['content-encoding']) return undefined;
  try {
    // Edited in place, not re-serialized: numbers and every other untouched byte stay as sent.
    return redactJson(body, fields);
  } catch {
    return undefined;
  }
}

function addCors(route: TransformRoute, origin: string | undefined, headers: Record<string, string>): void {
  const cors = route.cors;
  if (!cors || !origin || !(cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin))) return;
  headers['access-control-allow-origin'] = cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
  headers.vary = headers.vary ? `${headers.vary}, Origin` : 'Origin';
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.exposeHeaders.length) headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
}

/** The Lambda proxy result for a backend's answer. `headers` are lower-case and are modified. */
export function respond(route: TransformRoute, origin: string | undefined, status: number, headers: Record<string, string>, raw: Buffer): ProxyResult {
  const res = route.response;
  let body = decoded(headers, raw);
  if (body) body = redacted(res.redact, body, headers);
  // A body that must be redacted but cannot be read cannot hold the fields for sure: refuse it.
  if (!body) return jsonError(502, 'Bad Gateway');
  for (const h of res.removeHeaders) delete headers[h];
  for (const h of hopHeaders(headers)) if (h in headers) delete headers[h];
  for (const [k, v] of Object.entries(res.setHeaders)) headers[k.toLowerCase()] = v;
  addCors(route, origin, headers);
  const text = !headers['content-encoding'] && /^(text\/|application\/(json|xml|javascript)|[^;]*\+(json|xml))/i.test(headers['content-type'] ?? 'text/plain');
  return { statusCode: status, headers, body: body.toString(text ? 'utf8' : 'base64'), isBase64Encoded: !text };
}
