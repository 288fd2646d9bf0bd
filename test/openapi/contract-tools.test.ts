/**
 * The exported contract, read by the tools teams use: @redocly/openapi-core's `recommended` lint
 * reports no more errors on the export than on the source, and openapi-typescript generates the
 * same types from both (OpenAPI 3.x sources; it reads no Swagger 2.0). The three large documents
 * (discourse, okta, pagerduty: 20 s to minutes) run with ANYGATE_SLOW=1; the other five always.
 */
import { createConfig, lintFromString, openApiTypes, type LintConfig } from './redocly';
import { canonical } from '../../lib/model/normalize';
import { corpusEntry, corpusFiles } from './corpus';

// Lint and type generation take ~1 s per 20 KB of document: the large ones run with ANYGATE_SLOW=1.
const LARGE = ['discourse-latest.yaml', 'okta-management-2024.07.0.yaml', 'pagerduty-2.0.0.json'];
const files = process.env.ANYGATE_SLOW ? corpusFiles : corpusFiles.filter((f) => !LARGE.includes(f));
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Obj = Record<string, any>;

/**
 * What a type generator should see alike, order aside: path-item parameters pushed into the
 * operations (OpenAPI's rule), parameters sorted, keys sorted. Webhooks are not routes (not kept).
 */
function forTypes(doc: Obj): Obj {
  const d = structuredClone(doc);
  delete d.webhooks;
  const key = (p: Obj) => JSON.stringify(p.$ref ?? [p.in, p.name]);
  for (const item of Object.values<Obj>(d.paths ?? {})) {
    const shared: Obj[] = item.parameters ?? [];
    delete item.parameters;
    for (const m of METHODS) {
      if (!item[m]) continue;
      const own: Obj[] = item[m].parameters ?? [];
      const all = [...shared.filter((p) => !own.some((o) => key(o) === key(p))), ...own].sort((a, b) => (key(a) < key(b) ? -1 : 1));
      if (all.length) item[m].parameters = all;
    }
  }
  return canonical(d);
}

let config: LintConfig;
beforeAll(async () => {
  config = await createConfig({ extends: ['recommended'] });
});

async function lintErrors(doc: Obj, file: string): Promise<number> {
  const source = structuredClone(doc);
  if (typeof source.swagger === 'number') source.swagger = '2.0'; // the importer forgives this too
  const problems = await lintFromString({ source: JSON.stringify(source), absoluteRef: `/virtual/${file}.json`, config });
  return problems.filter((p) => p.severity === 'error').length;
}

describe.each(files)('%s: the export, read by standard tools', (file) => {
  it('the recommended lint reports no more errors on the export than on the source', async () => {
    const e = await corpusEntry(file);
    expect(await lintErrors(e.exported, file)).toBeLessThanOrEqual(await lintErrors(e.doc, file));
  });

  it('openapi-typescript generates identical types from the source and the export', async () => {
    const e = await corpusEntry(file);
    if ((e.doc as Obj).swagger !== undefined) return; // openapi-typescript reads OpenAPI 3.x only
    const types = (doc: Obj) => openApiTypes(forTypes(doc));
    expect(await types(e.exported)).toBe(await types(e.doc));
  });
});
