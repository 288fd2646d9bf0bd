/**
 * An exported OpenAPI document as one self-contained documentation page: no script, no stylesheet
 * or font from a CDN, every document string escaped (a spec's text is untrusted). Per operation its
 * method, path, summary, description, deprecation, parameters, request body and responses; schemas
 * as JSON, a `$ref` as a link to the component listed at the end. `anygate dev` serves it.
 */
import { escapeHtml } from '../capabilities/html';

type Obj = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'x-anygate-any-method'];
const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#1a1a1a;padding:0 1em}
section.op{border:1px solid #ddd;border-radius:4px;margin:1em 0;padding:.5em 1em}.method{font-weight:700;text-transform:uppercase;margin-right:.5em}
.deprecated{text-decoration:line-through;color:#777}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
pre{background:#f6f6f6;padding:.5em;overflow:auto;max-height:30em}code{font-family:ui-monospace,monospace}`;

const anchor = (ref: string) => `c-${ref.replace(/^#\/components\//, '').replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** JSON with every `$ref` a link to its component (the text escaped first, the links added after). */
function schemaHtml(v: unknown): string {
  const text = escapeHtml(JSON.stringify(v, null, 2) ?? '');
  return `<pre><code>${text.replace(/&quot;\$ref&quot;: &quot;(#\/components\/[^&]*)&quot;/g, (_m, ref: string) => `&quot;$ref&quot;: <a href="#${anchor(ref)}">&quot;${ref}&quot;</a>`)}</code></pre>`;
}

function parameters(list: Obj[]): string {
  if (!list.length) return '';
  const rows = list.map((p) =>
    p.$ref
      ? `<tr><td colspan="4"><a href="#${anchor(p.$ref)}">${escapeHtml(p.$ref)}</a></td></tr>`
      : `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? 'required' : ''}</td><td>${escapeHtml(String(p.description ?? ''))}${p.schema ? schemaHtml(p.schema) : ''}</td></tr>`,
  );
  return `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th></th><th>schema</th></tr>${rows.join('')}</table>`;
}

function content(c: Obj | undefined): string {
  return Object.entries(c ?? {}).map(([media, m]) => `<p><code>${escapeHtml(media)}</code></p>${m?.schema !== undefined ? schemaHtml(m.schema) : ''}`).join('');
}

function operation(path: string, method: string, op: Obj): string {
  const m = method === 'x-anygate-any-method' ? 'any' : method;
  const body = op.requestBody ? `<h4>Request body${op.requestBody.required ? ' (required)' : ''}</h4>${op.requestBody.$ref ? schemaHtml(op.requestBody) : content(op.requestBody.content)}` : '';
  const responses = Object.entries<Obj>(op.responses ?? {})
    .map(([code, r]) => `<tr><td>${escapeHtml(code)}</td><td>${r.$ref ? schemaHtml(r) : `${escapeHtml(String(r.description ?? ''))}${content(r.content)}`}</td></tr>`)
    .join('');
  return `<section class="op" id="op-${escapeHtml(String(op.operationId ?? `${m} ${path}`))}">
<h3 class="${op.deprecated ? 'deprecated' : ''}"><span class="method">${escapeHtml(m)}</span><code>${escapeHtml(path)}</code>${op.summary ? ` ${escapeHtml(op.summary)}` : ''}</h3>
${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}${parameters(op.parameters ?? [])}${body}${responses ? `<h4>Responses</h4><table>${responses}</table>` : ''}
</section>`;
}

/** The page for an OpenAPI 3.1 document (anygate's export). */
export function docsHtml(doc: Obj): string {
  const ops = Object.entries<Obj>(doc.paths ?? {}).flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => operation(p, m, item[m])));
  const components = Object.entries<Obj>(doc.components ?? {})
    .filter(([kind]) => kind !== 'securitySchemes')
    .flatMap(([kind, map]) => Object.entries(map).map(([name, v]) => `<h3 id="${anchor(`#/components/${kind}/${name}`)}">${escapeHtml(kind)}/${escapeHtml(name)}</h3>${schemaHtml(v)}`));
  const title = escapeHtml(`${doc.info?.title ?? 'API'} ${doc.info?.version ?? ''}`.trim());
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>${STYLE}</style></head>
<body><h1>${title}</h1>${doc.info?.description ? `<p>${escapeHtml(doc.info.description)}</p>` : ''}
<p><a href="openapi.json">openapi.json</a></p>
<h2>Operations</h2>
${ops.join('\n')}
${components.length ? `<h2>Components</h2>\n${components.join('\n')}` : ''}
</body></html>
`;
}
