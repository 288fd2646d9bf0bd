/**
 * The one place spec text enters strings Envoy evaluates. Header values (request/response
 * headers to add) and direct-response bodies are Envoy substitution format strings, where
 * `%NAME(...)%` is a command operator (it could read other headers, the client address, ...);
 * `%%` is a literal percent sign. Regex-rewrite substitutions treat `\N` as a capture group.
 * Header names must be HTTP tokens (the CRDs' own pattern); nothing else is accepted.
 */
import { HTTP_TOKEN } from '../../lib/capabilities/targets/kubernetes';

/** Literal text for an Envoy substitution format string. */
export function envoyFormatLiteral(s: string): string {
  return s.replace(/%/g, '%%');
}

/** Literal text for a regex-rewrite substitution. */
export function rewriteLiteral(s: string): string {
  return s.replace(/\\/g, '\\\\');
}

/** A header name, refused unless it is an HTTP token. */
export function headerName(name: string): string {
  if (!HTTP_TOKEN.test(name)) throw new Error(`header name ${JSON.stringify(name)} is not an HTTP token`);
  return name;
}
