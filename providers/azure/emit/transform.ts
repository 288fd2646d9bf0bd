/** Request and response transforms: set-header, set-query-parameter, set-body, rewrite-uri, redaction. */
import type { RouteSpec } from '../../../lib/model/types';
import { bodyLeaves, jsonPathLiteral, jsonTemplateExpr, policyText, templateValue } from '../expressions';
import type { TemplatePart } from '../../../lib/model/template';
import { el, type XNode } from '../xml';
import type { EmitContext, Fragment } from './context';
import { rewriteUriTemplate } from '../../../lib/model/rewrite';

const sortedEntries = <T>(m: Record<string, T> | undefined) => Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));

function requestTransforms(route: RouteSpec, ctx: EmitContext): XNode[] {
  const req = route.transform?.request;
  if (!req) return [];
  const s = ctx.strings;
  const h = (name: string) => s.header(name, route.id, 'transform.headers', 'header');
  const q = (name: string) => s.plainName(name, route.id, 'transform.query', 'query parameter');
  // The parsed templates (route.templates): no spec string is parsed here.
  const tpl = route.templates!;
  const out: XNode[] = [];
  for (const name of req.removeHeaders ?? []) out.push(el('set-header', { name: h(name), 'exists-action': 'delete' }));
  for (const [name, v] of sortedEntries<TemplatePart[]>(tpl.setHeaders)) out.push(el('set-header', { name: h(name), 'exists-action': 'override' }, el('value', {}, templateValue(v, ctx.stageVars))));
  for (const name of req.removeQuery ?? []) out.push(el('set-query-parameter', { name: q(name), 'exists-action': 'delete' }));
  for (const [name, v] of sortedEntries<TemplatePart[]>(tpl.setQuery)) out.push(el('set-query-parameter', { name: q(name), 'exists-action': 'override' }, el('value', {}, templateValue(v, ctx.stageVars))));
  if (req.body !== undefined) {
    out.push(el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, 'application/json')));
    out.push(el('set-body', {}, `@{ var body = context.Request.Body?.As<JObject>(preserveContent: true); return ${jsonTemplateExpr(req.body, ctx.stageVars, bodyLeaves(tpl.body))}.ToString(Newtonsoft.Json.Formatting.None); }`));
  }
  if (req.rewritePath) out.push(el('rewrite-uri', { template: s.uriTemplate(rewriteUriTemplate(route)!, route.id), 'copy-unmatched-params': 'true' }));
  return out;
}

function responseTransforms(route: RouteSpec, ctx: EmitContext): XNode[] {
  const res = route.transform?.response;
  if (!res) return [];
  const h = (name: string) => ctx.strings.header(name, route.id, 'transform.responseHeaders', 'header');
  const out: XNode[] = [];
  for (const name of res.removeHeaders ?? []) out.push(el('set-header', { name: h(name), 'exists-action': 'delete' }));
  for (const [name, v] of sortedEntries(res.setHeaders)) out.push(el('set-header', { name: h(name), 'exists-action': 'override' }, el('value', {}, policyText(v))));
  if (res.redact?.length) {
    const paths = res.redact.map(jsonPathLiteral).join(', ');
    const body = `@{ var doc = context.Response.Body.As<JToken>(preserveContent: true); foreach (var p in new[] { ${paths} }) { foreach (var t in doc.SelectTokens(p).ToList()) { if (t.Parent is JProperty) { t.Parent.Remove(); } else { t.Replace(JValue.CreateNull()); } } } return doc.ToString(Newtonsoft.Json.Formatting.None); }`;
    out.push(el('set-body', {}, body));
  }
  return out;
}

export function emitTransform(route: RouteSpec, ctx: EmitContext): Fragment {
  return { inbound: requestTransforms(route, ctx), outbound: responseTransforms(route, ctx) };
}
