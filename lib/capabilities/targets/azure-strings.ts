/**
 * What API Management can take from a spec string without evaluating it. APIM reads `@(`/`@{` as
 * a policy expression and `{{name}}` as a named value in ANY attribute or text, names included
 * (https://learn.microsoft.com/azure/api-management/api-management-policy-expressions,
 * https://learn.microsoft.com/azure/api-management/api-management-howto-properties). Names are
 * held to grammars that exclude those characters; literal-only values may not hold them. The
 * capability checks (azure-checks.ts) and the emitters' escaping (providers/azure/expressions.ts)
 * both use these, so portability and synth decide alike.
 */

/** RFC 9110 token: what a header name may be. Excludes every APIM metacharacter. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Claim names: letters, digits and `_ . : / -` (covers `tid`, `roles`, `https://example.com/roles`). */
const CLAIM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]*$/;
/** scheme://host[:port], host a DNS name or a bracketed IPv6 literal. */
const ORIGIN = /^https?:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** Query parameter names and binding names: no APIM metacharacters, no whitespace or controls. */
const PLAIN_NAME = /^[^\s{}@\u0000-\u001f\u007f]+$/;
/** rewrite-uri templates: literal text and `{param}` references. */
const URI_TEMPLATE = /^\/(?:[^\s@{}]|\{[A-Za-z0-9_.-]+\})*$/;

/** A checker: the refusal message for a string of one kind, or undefined when it is fine. */
export type StringRule = (value: string, field: string) => string | undefined;

export const APIM_STRINGS = {
  header: (v, field) => (HTTP_TOKEN.test(v) ? undefined : `${field} ${JSON.stringify(v)} is not an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only)`),
  claim: (v, field) => (CLAIM_NAME.test(v) ? undefined : `${field} ${JSON.stringify(v)} is not a claim name API Management can take literally (letters, digits and _ . : / - only)`),
  origin: (v, field) => (v === '*' || ORIGIN.test(v) ? undefined : `${field} ${JSON.stringify(v)} must be "*" or scheme://host[:port]`),
  plainName: (v, field) => (PLAIN_NAME.test(v) ? undefined : `${field} ${JSON.stringify(v)} may not contain "{", "}", "@", spaces or control characters`),
  uriTemplate: (v, field) => (URI_TEMPLATE.test(v) ? undefined : `${field} ${JSON.stringify(v)} may hold only literal text and {param} references (no "@", spaces or other braces)`),
  /** Where APIM takes only literal text (validate-jwt issuer, audiences, claim values, scopes). */
  literal: (v, field) =>
    v.startsWith('@') || v.includes('{{') || v.includes('}}') || /[\u0000-\u001f]/.test(v)
      ? `${field} ${JSON.stringify(v)} would be read by API Management as a named value or policy expression; remove "{{", "}}", the leading "@" and control characters`
      : undefined,
} as const satisfies Record<string, StringRule>;

export type ApimStringKind = keyof typeof APIM_STRINGS;
