/**
 * A small model of how API Management runs an operation's inbound policies, for tests: the
 * subscription key step APIM does before any policy (header first, then the query parameter,
 * https://learn.microsoft.com/azure/api-management/api-management-subscriptions), then the
 * operation policy with `<base/>` standing for the API policy. It runs `choose`, `return-response`
 * and `validate-jwt` and ignores what does not decide the status. Conditions are the emitted C#
 * expressions, translated token for token into JavaScript over a fake request, so a test decides
 * with exactly the text the compiler wrote. Anything it cannot translate throws.
 */
import { create } from 'xmlbuilder2';
import type { ApimPlan } from '../../providers/azure/plan';

export interface SimRequest {
  /** Header names in any case; a list for a header sent more than once. */
  readonly headers?: Record<string, string | string[]>;
  readonly query?: Record<string, string | string[]>;
}

export interface SimWorld {
  /** Subscription keys of active subscriptions on the API's products. */
  readonly validKeys: ReadonlySet<string>;
  /** Bearer tokens validate-jwt accepts, with their claims (a claim as a string or an array). */
  readonly tokens: ReadonlyMap<string, Record<string, string | string[]>>;
}

type Node = { nodeType: number; nodeName: string; childNodes: ArrayLike<Node>; getAttribute(n: string): string | null };

const elements = (n: Node): Node[] => Array.from(n.childNodes).filter((c) => c.nodeType === 1);
const section = (xml: string, name: string): Node[] => {
  const root = create(xml).root().node as unknown as Node;
  return elements(elements(root).find((e) => e.nodeName === name)!);
};

/** The members of a C# string the emitted lambdas call: Split on a char (ordinal, empty entries kept) and Contains (ordinal). */
interface CsStr {
  Split(c: string): string[];
  Contains(x: string): boolean;
}
const csStr = (s: string): CsStr => ({ Split: (c) => s.split(c), Contains: (x) => s.includes(x) });

/** A LINQ-shaped array: what `new string[] {...}`, Claims[...] and SelectMany give (string[].Length too). */
class Seq {
  constructor(readonly items: string[]) {}
  get Length(): number {
    return this.items.length;
  }
  SelectMany(f: (v: CsStr) => string[]): Seq {
    return new Seq(this.items.flatMap((s) => f(csStr(s))));
  }
  Except(other: Seq): Seq {
    // Enumerable.Except yields a set (distinct elements); only Any() reads it here.
    return new Seq(this.items.filter((x) => !other.items.includes(x)));
  }
  Any(f?: (v: CsStr) => boolean): boolean {
    return f ? this.items.some((s) => f(csStr(s))) : this.items.length > 0;
  }
}

/** The emitted C# condition as a JavaScript function of the request, subscription and token. */
export function translate(condition: string): (h: (n: string) => string, q: (n: string) => string, sub: unknown, jwt: unknown, counts?: { h: (n: string) => number; q: (n: string) => number }) => boolean {
  if (!condition.startsWith('@(') || !condition.endsWith(')')) throw new Error(`not a single-statement expression: ${condition}`);
  let js = condition.slice(2, -1);
  const rules: [RegExp, string][] = [
    [/context\.Request\.Headers\.ContainsKey\(/g, '0 < HN('],
    [/context\.Request\.Headers\[("(?:[^"\\]|\\.)*")\]\.Length/g, 'HN($1)'],
    [/context\.Request\.Url\.Query\.ContainsKey\(/g, '0 < QN('],
    [/context\.Request\.Url\.Query\[("(?:[^"\\]|\\.)*")\]\.Length/g, 'QN($1)'],
    [/context\.Request\.Headers\.GetValueOrDefault\(/g, 'H('],
    [/context\.Request\.Url\.Query\.GetValueOrDefault\(/g, 'Q('],
    [/context\.Subscription/g, 'S'],
    [/\(\(Jwt\)context\.Variables\["anygate-jwt"\]\)/g, 'J'],
    [/\.Claims\.ContainsKey\(/g, '.has('],
    [/\.Claims\[("(?:[^"\\]|\\.)*")\]/g, '.seq($1)'],
    [/new string\[\] \{ ([^}]*) \}/g, 'L([$1])'],
  ];
  for (const [re, to] of rules) js = js.replace(re, to);
  if (/context\.|\(Jwt\)|Variables/.test(js)) throw new Error(`untranslated: ${js}`);
  const f = new Function('H', 'Q', 'S', 'J', 'L', 'HN', 'QN', `return (${js});`) as (...a: unknown[]) => boolean;
  const one = (get: (n: string) => string) => (n: string) => (get(n) === '' ? 0 : 1);
  return (h, q, sub, jwt, counts) => f(h, q, sub, jwt, (xs: string[]) => new Seq(xs), counts?.h ?? one(h), counts?.q ?? one(q));
}

/** The status API Management answers: a policy's or APIM's own, or 200 when the request is forwarded. */
export function simulate(plan: ApimPlan, operationId: string, req: SimRequest, world: SimWorld): number {
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const headers = new Map<string, string[]>();
  for (const [k, v] of Object.entries(req.headers ?? {})) headers.set(k.toLowerCase(), [...(headers.get(k.toLowerCase()) ?? []), ...list(v)]);
  // GetValueOrDefault joins the values of a repeated header or parameter with commas.
  const H = (n: string) => (headers.get(n.toLowerCase()) ?? []).join(',');
  const Q = (n: string) => list(req.query?.[n]).join(',');
  const counts = { h: (n: string) => (headers.get(n.toLowerCase()) ?? []).length, q: (n: string) => list(req.query?.[n]).length };
  const names = plan.subscriptionKeyParameterNames ?? { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' };
  const key = H(names.header) || Q(names.query);
  if (key && !world.validKeys.has(key)) return 401;
  if (!key && plan.subscriptionRequired) return 401;
  const vars: { jwt?: { has: (c: string) => boolean; seq: (c: string) => Seq } } = {};
  const sub = key ? { Key: key } : null;

  const run = (nodes: Node[], api: Node[]): number | undefined => {
    for (const n of nodes) {
      const status = step(n, api);
      if (status !== undefined) return status;
    }
    return undefined;
  };
  const step = (n: Node, api: Node[]): number | undefined => {
    switch (n.nodeName) {
      case 'base':
        return run(api, []);
      case 'choose': {
        const branch = elements(n).find((w) => w.nodeName === 'otherwise' || translate(w.getAttribute('condition')!)(H, Q, sub, vars.jwt, counts));
        return branch ? run(elements(branch), api) : undefined;
      }
      case 'return-response':
        return Number(elements(n).find((c) => c.nodeName === 'set-status')!.getAttribute('code'));
      case 'validate-jwt': {
        const value = H(n.getAttribute('header-name')!);
        const claims = value.startsWith('Bearer ') ? world.tokens.get(value.slice(7)) : undefined;
        if (!claims) return Number(n.getAttribute('failed-validation-httpcode'));
        const arr = (c: string) => (Array.isArray(claims[c]) ? (claims[c] as string[]) : [claims[c] as string]);
        vars.jwt = { has: (c) => c in claims, seq: (c) => new Seq(arr(c)) };
        return undefined;
      }
      case 'send-request':
        throw new Error('the simulator does not call custom authorizers');
      default:
        return undefined;
    }
  };
  const op = plan.operations.find((o) => o.id === operationId)!;
  const api = section(plan.apiPolicy, 'inbound');
  return run(op.policy ? section(op.policy, 'inbound') : [{ nodeType: 1, nodeName: 'base', childNodes: [], getAttribute: () => null }], api) ?? 200;
}
