/**
 * What Apigee can take from a spec string without evaluating it: the grammars of names that
 * become flow-variable names (conditions, message templates `{var}`), names Apigee reads as plain
 * data, environment names, URLs, CORS values and condition literals. The capability checks
 * (apigee-checks.ts) refuse with these messages; the emitters' formatting module
 * (providers/apigee/conditions.ts) asserts the same grammars, so portability and synth decide
 * alike and nothing from a spec is pasted raw.
 */
import { MODEL_ARMOR_TEMPLATE, MODEL_ARMOR_TEMPLATE_MESSAGE } from '../../model/llm';

/** A checker: the refusal message (with `where` in front) for one value, or undefined when it is fine. */
export type ApigeeStringRule = (value: string, where: string) => string | undefined;

// Apigee reads `request.header.NAME.values` and similar sub-variables, and condition operators
// are punctuation, so names that reach a variable reference are letters, digits, '-' and '_'.
const VARIABLE_PART = /^[A-Za-z0-9_-]+$/;
const ENVIRONMENT = /^[a-z][a-z0-9-]{0,31}$/;
const URL_TEXT = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ORIGIN = /^(https?):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::(\d{1,5}))?$/;

/** A name that becomes part of a flow-variable name: letters, digits, '-', '_'. */
export const variablePartRule =
  (kind: string): ApigeeStringRule =>
  (name, where) =>
    VARIABLE_PART.test(name) ? undefined : `${where}: ${kind} ${JSON.stringify(name)} cannot be read safely by Apigee (it becomes part of a flow-variable name in conditions and message templates); use letters, digits, '-' and '_'`;

/** A name Apigee reads as plain data (a name or ref attribute): no braces, quotes, backslashes, spaces or angle brackets. */
export const attributeNameRule =
  (kind: string): ApigeeStringRule =>
  (name, where) =>
    name && !/[{}"\\\s<>]/.test(name) ? undefined : `${where}: ${kind} ${JSON.stringify(name)} holds a brace, quote, backslash or space, which Apigee cannot carry in a name`;

/** A double-quoted condition literal: quotes and backslashes cannot be carried. */
const conditionLiteral: ApigeeStringRule = (value, where) => (/["\\]/.test(value) ? `${where}: ${JSON.stringify(value)} holds a quote or backslash, which an Apigee condition cannot carry` : undefined);

export const APIGEE_STRINGS = {
  /** An Apigee environment name (lower-case letters, digits, hyphens), safe inside a condition literal. */
  environment: (env, where) => (ENVIRONMENT.test(env) ? undefined : `${where}: environment ${JSON.stringify(env)} is not an Apigee environment name (lower-case letters, digits and hyphens, starting with a letter)`),
  /** A URL Apigee fetches or calls (target URL): RFC 3986 characters only, and no braces. */
  url: (text, where) => (URL_TEXT.test(text) ? undefined : `${where}: ${JSON.stringify(text)} holds characters a URL cannot carry unencoded (quotes, braces, spaces...); percent-encode them`),
  /** A header name in a comma-separated list (CORS AllowHeaders, ExposeHeaders): an RFC 9110 token. */
  token: (name, where) => (TOKEN.test(name) ? undefined : `${where}: ${JSON.stringify(name)} is not an HTTP header name (letters, digits and !#$%&'*+.^_\`|~-)`),
  /** A CORS origin: `*`, or scheme://host[:port] with nothing else (no path, no template braces). */
  origin: (o, where) => {
    if (o === '*') return undefined;
    const m = ORIGIN.exec(o);
    return m && (m[3] === undefined || Number(m[3]) <= 65535) ? undefined : `${where}: origin ${JSON.stringify(o)} is not scheme://host[:port] (e.g. https://app.example.com) or *`;
  },
  conditionLiteral,
  /** A Model Armor template name (TemplateName is a message template: no braces, nothing but the name's characters). */
  modelArmorTemplate: (name, where) => (MODEL_ARMOR_TEMPLATE.test(name) ? undefined : `${where}: ${JSON.stringify(name)} ${MODEL_ARMOR_TEMPLATE_MESSAGE}`),
  /** A scope matched as a whole token: a condition literal without whitespace (which separates scopes). */
  scope: (scope, where) => conditionLiteral(scope, where) ?? (/\s/.test(scope) ? `${where}: scope ${JSON.stringify(scope)} holds whitespace, which separates scopes` : undefined),
  headerVariable: variablePartRule('header name'),
  queryVariable: variablePartRule('query parameter name'),
  claimVariable: variablePartRule('claim name'),
  pathVariable: variablePartRule('path parameter'),
  stageVariable: variablePartRule('stage variable'),
  headerName: attributeNameRule('header name'),
  queryName: attributeNameRule('query parameter name'),
  claimName: attributeNameRule('claim name'),
} as const satisfies Record<string, ApigeeStringRule>;

export type ApigeeStringKind = keyof typeof APIGEE_STRINGS;
