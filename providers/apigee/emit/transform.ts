/**
 * Request and response transforms. Literal text reaches messages only through AssignVariable
 * <Value> (never parsed as a message template); templates reference only variables whose names
 * went through conditions.ts; JavaScript gets its data as JSON in policy properties, never as code.
 */
import { formatPath } from '../../../lib/model/path';
import type { TemplatePart } from '../../../lib/model/template';
import type { RouteSpec, TransformSpec } from '../../../lib/model/types';
import { claimVar, headerName, headerVar, queryName, queryVar, variablePart } from '../conditions';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import * as P from '../policies';
import { rewriteUriTemplate } from '../../../lib/model/rewrite';

type Ref = Extract<TemplatePart, { kind: 'ref' }>;
type RequestTransform = NonNullable<TransformSpec['request']>;

/** Turns `${...}` templates into message templates over variables; literal text goes to `literals`. */
class TemplateWriter {
  readonly literals: [string, string][] = [];
  constructor(
    private readonly ctx: ApigeeContext,
    private readonly r: RouteSpec,
    private readonly bodyRefs: Ref[],
  ) {}

  private variable(part: Ref, where: string): string {
    const jwt = this.ctx.jwtPolicy(this.r);
    switch (part.source) {
      case 'path':
        return `anygate.path.${variablePart('path parameter', part.name, where)}`;
      case 'query':
        return queryVar(part.name, where);
      case 'header':
        return headerVar(part.name, where);
      case 'claim':
        return jwt ? claimVar(jwt, part.name, where) : '';
      case 'stage':
        return `anygate.stage.${variablePart('stage variable', part.name, where)}`;
      case 'body':
        return `anygate.body.b${this.bodyRefs.findIndex((b) => b.name === part.name)}`;
    }
  }

  write(parts: readonly TemplatePart[], where: string): string {
    return parts
      .map((part) => {
        if (part.kind === 'text') {
          const n = `anygate.lit.${this.r.id}.${this.literals.length}`;
          this.literals.push([n, part.text]);
          return `{${n}}`;
        }
        const v = this.variable(part, where);
        return v && `{${v}}`;
      })
      .join('');
  }
}

/** ExtractVariables for path parameters (and the greedy tail), when templates or a rewrite use them. */
function pathSteps(ctx: ApigeeContext, r: RouteSpec, rq: RequestTransform, refs: Ref[]): string[] {
  const bodyParts = r.templates!.body.flatMap((b) => b.parts);
  const needsPath = [...refs, ...bodyParts].some((p) => p.kind === 'ref' && p.source === 'path') || Boolean(rq.rewritePath);
  if (!needsPath) return [];
  const greedyIndex = r.segments.findIndex((s) => s.kind === 'param' && s.greedy);
  const plain = r.segments.map((s) => (s.kind === 'param' && s.greedy ? { ...s, greedy: false } : s));
  const pattern = formatPath(plain.slice(0, greedyIndex === -1 ? undefined : greedyIndex));
  const out = [ctx.addStateless('EV-path', pattern, () => P.extractPath(`EV-path-${r.id}`, pattern))];
  if (greedyIndex !== -1) {
    const props = { mode: 'greedy', name: (r.segments[greedyIndex] as { name: string }).name, index: String(greedyIndex) };
    out.push(ctx.addStateless('JS-greedy', JSON.stringify(props), () => P.javascript(`JS-greedy-${r.id}`, props)));
  }
  return out;
}

function requestSteps(ctx: ApigeeContext, r: RouteSpec, rq: RequestTransform): string[] {
  const at = `${ctx.routePath(r)}.transform.request`;
  const tpl = r.templates!;
  const refs = [...Object.values(tpl.setHeaders), ...Object.values(tpl.setQuery)].flat().filter((p): p is Ref => p.kind === 'ref');
  const bodyRefs = refs.filter((p) => p.source === 'body');
  const steps = pathSteps(ctx, r, rq, refs);
  if (bodyRefs.length) {
    const fields = bodyRefs.map((b, i): [string, string] => [`b${i}`, b.name]);
    steps.push(ctx.addStateless('EV-body', JSON.stringify(fields), () => P.extractBody(`EV-body-${r.id}`, fields)));
  }
  if (rq.setHeaders || rq.setQuery || rq.removeHeaders || rq.removeQuery) {
    const w = new TemplateWriter(ctx, r, bodyRefs);
    const sorted = (m: Record<string, TemplatePart[]>) => Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1));
    const edits: P.MessageEdits = {
      removeHeaders: rq.removeHeaders?.map((h, i) => headerName(h, `${at}.removeHeaders[${i}]`)),
      removeQuery: rq.removeQuery?.map((q, i) => queryName(q, `${at}.removeQuery[${i}]`)),
      setHeaders: sorted(tpl.setHeaders).map(([h, v]) => [headerName(h, `${at}.setHeaders`), w.write(v, `${at}.setHeaders.${h}`)]),
      setQuery: sorted(tpl.setQuery).map(([q, v]) => [queryName(q, `${at}.setQuery`), w.write(v, `${at}.setQuery.${q}`)]),
    };
    if (w.literals.length) steps.push(ctx.add(P.assignLiterals(`AM-vars-${r.id}`, w.literals)));
    // Literal values are variables named after the route (AM-vars), so only edits without any are shared.
    steps.push(ctx.addStateless('AM-req', JSON.stringify(edits), () => P.assignMessage(`AM-req-${r.id}`, 'request', edits)));
  }
  const jwt = ctx.jwtPolicy(r);
  if (rq.body !== undefined) {
    const props = { mode: 'body', template: JSON.stringify(rq.body), ...(jwt ? { jwt } : {}) };
    steps.push(ctx.addStateless('JS-body', JSON.stringify(props), () => P.javascript(`JS-body-${r.id}`, props)));
  }
  if (rq.rewritePath) {
    const props = { mode: 'rewrite', template: rewriteUriTemplate(r)! };
    steps.push(ctx.addStateless('JS-rewrite', JSON.stringify(props), () => P.javascript(`JS-rewrite-${r.id}`, props)));
  }
  return steps;
}

function responseSteps(ctx: ApigeeContext, r: RouteSpec, rs: NonNullable<TransformSpec['response']>): string[] {
  const at = `${ctx.routePath(r)}.transform.response`;
  const steps: string[] = [];
  if (rs.setHeaders || rs.removeHeaders) {
    const edits = {
      removeHeaders: rs.removeHeaders?.map((h, i) => headerName(h, `${at}.removeHeaders[${i}]`)),
      set: Object.keys(rs.setHeaders ?? {}).sort().map((h, i) => [headerName(h, `${at}.setHeaders`), `anygate.res.${r.id}.${i}`, rs.setHeaders![h]] as const),
    };
    if (edits.set.length) steps.push(ctx.add(P.assignLiterals(`AM-resvars-${r.id}`, edits.set.map(([, n, v]) => [n, v]))));
    const response: P.MessageEdits = { removeHeaders: edits.removeHeaders, setHeaders: edits.set.map(([h, n]) => [h, `{${n}}`]) };
    // Set values are variables named after the route (AM-resvars): only removals are shared.
    steps.push(ctx.addStateless('AM-res', JSON.stringify(response), () => P.assignMessage(`AM-res-${r.id}`, 'response', response)));
  }
  if (rs.redact?.length) {
    const props = { mode: 'redact', paths: JSON.stringify(rs.redact) };
    steps.push(ctx.addStateless('JS-redact', JSON.stringify(props), () => P.javascript(`JS-redact-${r.id}`, props)));
  }
  return steps;
}

export function transformFragment(ctx: ApigeeContext, r: RouteSpec): Fragment {
  const t = r.transform;
  const request = t?.request ? requestSteps(ctx, r, t.request) : [];
  const response = t?.response ? responseSteps(ctx, r, t.response) : [];
  return fragment(request.map((n) => ctx.step(n)), response.map((n) => ctx.step(n)));
}
