/**
 * String grammars for the AWS target, shared by its capability checks (aws.ts) and its emitters:
 * HTTP header names are RFC 9110 tokens and CORS origins `scheme://host[:port]` (API Gateway puts
 * header names in parameter-mapping keys and origins in VTL comparisons), and no spec string may
 * hold what CloudFormation evaluates: `{{resolve:...}}` dynamic references, resolved in any
 * property value at deploy time, or `${AWS::...}` Fn::Sub syntax (anygate wraps strings holding
 * pseudo parameters in Fn::Sub). A spec author could otherwise send a secret to a backend or a
 * public response. The one field meant for a secret reference (`consumers.*.apiKey.secretRef`) is
 * checked against Secrets Manager's name grammar instead.
 */
import type { SynthesisProblem } from '../../model/errors';
import type { GatewaySpec } from '../../model/types';

type Problem = (where: string, message: string) => SynthesisProblem;

// RFC 9110 section 5.6.2: token = 1*tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A DNS name (letters, digits, hyphens; dot-separated labels), an IPv4 address or a bracketed IPv6 address.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST = `(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]+\\])`;
const ORIGIN = new RegExp(`^https?://${HOST}(?::[0-9]{1,5})?$`);

/** Why a custom authorizer cannot be an alternative on AWS (the record's check and the compiler say the same). */
export function customInAlternativesMessage(name: string): string {
  return `custom authorizer ${JSON.stringify(name)} is listed among alternatives, but an API Gateway method takes one Lambda authorizer and the generated one does not call yours; give the route the custom authorizer alone, or alternatives without it`;
}

export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/** `scheme://host[:port]` with scheme http or https. `*` is not an origin (callers handle it). */
export function isOrigin(value: string): boolean {
  const m = ORIGIN.exec(value);
  if (!m) return false;
  const port = /:(\d+)$/.exec(value.replace(/^https?:\/\//, ''));
  return !port || Number(port[1]) <= 65535;
}

/** Every field of the spec that names a header, with its location. */
function headerNames(spec: GatewaySpec): { where: string; path: string; name: string }[] {
  const out: { where: string; path: string; name: string }[] = [];
  const add = (where: string, path: string, names: Iterable<string> | undefined) => {
    for (const name of names ?? []) out.push({ where, path, name });
  };
  for (const [n, b] of Object.entries(spec.backends)) if (b.type === 'mock') add('gateway', `backends.${n}.headers`, Object.keys(b.headers));
  for (const [n, a] of Object.entries(spec.authorizers)) {
    if (a.type === 'jwt' || a.type === 'custom') add('gateway', `authorizers.${n}.header`, [a.header]);
    if (a.type === 'apiKey' && a.in === 'header') add('gateway', `authorizers.${n}.name`, [a.name]);
  }
  if (spec.cors) {
    add('gateway', 'cors.allowHeaders', spec.cors.allowHeaders);
    add('gateway', 'cors.exposeHeaders', spec.cors.exposeHeaders);
  }
  for (const r of spec.routes) {
    const t = r.transform;
    add(r.id, 'transform.request.setHeaders', Object.keys(t?.request?.setHeaders ?? {}));
    add(r.id, 'transform.request.removeHeaders', t?.request?.removeHeaders);
    add(r.id, 'transform.response.setHeaders', Object.keys(t?.response?.setHeaders ?? {}));
    add(r.id, 'transform.response.removeHeaders', t?.response?.removeHeaders);
    add(r.id, 'validation.requiredHeaders', r.validation?.requiredHeaders);
    add(r.id, 'cache.key.headers', r.cache?.key.headers);
  }
  return out;
}

/** Header names that are not HTTP tokens, wherever the spec names a header. */
export function headerNameProblems(spec: GatewaySpec, problem: Problem): SynthesisProblem[] {
  return headerNames(spec)
    .filter((h) => !isHeaderName(h.name))
    .map((h) => problem(h.where, `${h.path}: ${JSON.stringify(h.name)} is not an HTTP header name (RFC 9110 token: letters, digits and !#$%&'*+-.^_\`|~); rename it`));
}

/** CORS origins that are not `scheme://host[:port]` (or `*`). */
export function originProblems(spec: GatewaySpec, problem: Problem): SynthesisProblem[] {
  return (spec.cors?.allowOrigins ?? []).flatMap((o, i) => (o === '*' || isOrigin(o) ? [] : [problem('gateway', `cors.allowOrigins[${i}]: ${JSON.stringify(o)} is not an origin; write scheme://host[:port], e.g. https://app.example.com`)]));
}


const DYNAMIC_REFERENCE = /\{\{\s*resolve\s*:/i;
const SUB_PSEUDO = /\$\{\s*AWS::/i;
/** Secrets Manager secret names (or full ARNs): https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html */
export const SECRET_NAME = /^(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/;

function evaluatedBy(value: string): string | undefined {
  // Both grammars start with a brace: most strings are decided by this one scan.
  if (value.indexOf('{') < 0) return undefined;
  if (DYNAMIC_REFERENCE.test(value)) return 'a CloudFormation dynamic reference ({{resolve:...}}), which CloudFormation would resolve at deploy time';
  if (SUB_PSEUDO.test(value)) return 'CloudFormation Fn::Sub syntax (${AWS::...}), which CloudFormation would evaluate';
  return undefined;
}

const SECRET_REF_PATH = /^consumers\.[^.]+\.apiKey\.secretRef$/;

/**
 * The dotted path of the walk's keys and indexes (`routes[0].transform`), as the messages name
 * fields. Built only for a string that is reported or may be the secret reference: most strings
 * are neither, and building every path was most of the walk's time.
 */
function pathOf(parts: readonly (string | number)[]): string {
  let s = '';
  for (const p of parts) s = typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p;
  return s;
}

/** Walks every string of the spec, keys included, and reports those CloudFormation would evaluate. */
export function cfnReferenceProblems(spec: GatewaySpec, problem: Problem): SynthesisProblem[] {
  const problems: SynthesisProblem[] = [];
  const report = (path: string, what: string) => {
    // Route fields are named relative to the route (`where` names it): indexes follow canonical order, not the input's.
    const route = /^routes\[(\d+)\]\.?/.exec(path);
    const where = route ? spec.routes[Number(route[1])].id : 'gateway';
    const field = route ? path.slice(route[0].length) || 'route' : path;
    problems.push(problem(where, `${field} holds ${what}; remove it (secrets belong in consumers.*.apiKey.secretRef)`));
  };
  const parts: (string | number)[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      const what = evaluatedBy(value);
      if (what) report(pathOf(parts), what);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        parts.push(i);
        walk(value[i]);
        parts.pop();
      }
    } else if (value && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const v = (value as Record<string, unknown>)[k];
        parts.push(k);
        const what = evaluatedBy(k);
        if (what) report(`${pathOf(parts)} (key)`, what);
        // The one field meant for a secret reference (checked by secretRefProblems instead).
        if (!(k === 'secretRef' && typeof v === 'string' && SECRET_REF_PATH.test(pathOf(parts)))) walk(v);
        parts.pop();
      }
    }
  };
  walk(spec);
  return problems;
}

/** Secret references that are not `aws-secretsmanager:<name or ARN>`. */
export function secretRefProblems(spec: GatewaySpec, problem: Problem): SynthesisProblem[] {
  const out: SynthesisProblem[] = [];
  for (const [name, c] of Object.entries(spec.consumers)) {
    const ref = c.apiKey?.secretRef;
    if (ref === undefined) continue;
    if (!ref.startsWith('aws-secretsmanager:')) {
      out.push(problem('gateway', `consumer ${name}: AWS reads API key values only from Secrets Manager; write secretRef "aws-secretsmanager:<secret name>" or omit apiKey so API Gateway generates the key`));
    } else if (!SECRET_NAME.test(ref.slice('aws-secretsmanager:'.length))) {
      out.push(problem('gateway', `consumers.${name}.apiKey.secretRef: ${JSON.stringify(ref.slice('aws-secretsmanager:'.length))} is not a Secrets Manager secret name or ARN (letters, digits and /_+=.@-); fix the reference`));
    }
  }
  return out;
}
