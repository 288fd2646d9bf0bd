/**
 * Placeholders: values a tool had to invent because the source did not say (an imported OpenAPI
 * document without servers gets `https://backend.invalid`, a bearer scheme without an issuer gets
 * `https://issuer.invalid/`). `.invalid` is reserved and never resolves (RFC 2606 section 2), so a
 * gateway deployed with one fails every call; validation warns and synthesis refuses.
 */
import { formatSpecPath, type SpecIssue } from './errors';
import type { GatewaySpec } from './types';
import { sortedKeys } from './sorted-keys';

/** One placeholder: the spec path of the field to set, and the value found there. */
export interface Placeholder {
  readonly path: readonly (string | number)[];
  readonly value: string;
}

// An absolute URL whose host is `invalid` or ends in `.invalid`.
const PLACEHOLDER_URL = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:[^/?#:]+\.)?invalid\.?(?=[:/?#]|$)/i;

/** True when `value` is a URL on the reserved `.invalid` domain. */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_URL.test(value);
}

/** The walk keeps one path stack, copied only for a placeholder (a large spec has 100,000 values). */
function walk(value: unknown, at: (string | number)[], out: Placeholder[]): void {
  if (typeof value === 'string') {
    if (isPlaceholder(value)) out.push({ path: [...at], value });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      walk(value[i], at, out);
      at.pop();
    }
  } else if (typeof value === 'object' && value !== null) {
    // Prose may mention such a URL; only values a gateway uses are placeholders.
    const keys = sortedKeys(Object.keys(value));
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === 'description') continue;
      at.push(k);
      walk((value as Record<string, unknown>)[k], at, out);
      at.pop();
    }
  }
}

/** Every placeholder in the spec (backends, stage overrides, authorizers, anywhere), by path. */
export function findPlaceholders(spec: GatewaySpec): Placeholder[] {
  const out: Placeholder[] = [];
  walk(spec, [], out);
  return out;
}

/** Where the value goes when the spec came from an OpenAPI document. */
function openApiHint(p: Placeholder): string {
  const [top, name] = p.path;
  if (top === 'backends' && name === 'api') return 'in the OpenAPI document: add servers (Swagger 2.0: host)';
  if (top === 'authorizers') return `in the OpenAPI document: x-anygate.authorizers.${name}, a whole authorizer (type, issuer, audiences)`;
  return `in the OpenAPI document: x-anygate.${formatSpecPath(p.path)}`;
}

/**
 * Placeholders as issues: warnings for `validate`, errors for `synth`.
 * @param format how the spec was read; `openapi` adds where the value goes in the document. @default - a spec file
 */
export function placeholderIssues(spec: GatewaySpec, severity: 'warning' | 'error', file?: string, format?: string): SpecIssue[] {
  return findPlaceholders(spec).map((p) => ({
    path: p.path,
    file,
    severity,
    rule: 'placeholder',
    message:
      `${JSON.stringify(p.value)} is a placeholder (the source did not say); set ${formatSpecPath(p.path)} to the real value` +
      `${format === 'openapi' ? ` (${openApiHint(p)})` : ''}${severity === 'error' ? '; or synthesize anyway with --allow-placeholders' : ''}`,
  }));
}
