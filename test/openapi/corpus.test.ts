/**
 * Every real document of ../shared/corpus/openapi imports (the invalid ones only with lenient, after
 * a refusal that lists their problems), synthesizes for every target and stage with the pure
 * compilers (or is refused with named reasons), and round-trips. Each document is imported and
 * synthesized once per process (./corpus.ts). The exports go to openapi-spec-validator through
 * the suite's lint server (test/lint-server.ts) when it runs: Python and the validator load once.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import * as path from 'node:path';
import { loadSpec } from '../../lib/load';
import { SpecValidationError } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { validateDocument } from '../../lib/openapi/document-validation';
import { ANY_METHOD_KEYS, importOpenApi } from '../../lib/openapi/import';
import { toYaml } from '../../lib/openapi/yaml';
import { python, viaLintServer } from '../lint-server';
import { scratch, writeJson } from '../validators';
import { portabilityOnDocuments } from '../capabilities/documents';
import { kubernetesOnDocuments } from '../kubernetes/corpus';
import { corpusDir, corpusEntry, corpusFiles, INVALID } from './corpus';
import { contractDifferences } from './contract-compare';

const LARGE = ['okta-management-2024.07.0.yaml', 'pagerduty-2.0.0.json'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Counted independently of the importer. */
function operationCount(doc: any): number {
  let n = 0;
  for (const item of Object.values<any>(doc.paths ?? {})) for (const k of [...METHODS, ...ANY_METHOD_KEYS]) if (item[k]) n++;
  return n;
}

describe('OpenAPI corpus: every real document imports, synthesizes and round-trips', () => {
  it('holds the eight documents', () => expect(corpusFiles).toHaveLength(8));

  describe.each(corpusFiles)('%s', (file) => {
    it('every operation is a route, or is merged or skipped with a warning', async () => {
      const e = await corpusEntry(file);
      const counts = e.result.warnings.filter((w) => ['merged', 'skipped', 'skipped-on-purpose'].includes(w.kind)).length;
      expect(e.result.operations).toBe(operationCount(e.doc));
      expect(e.spec.routes.length + counts).toBe(e.result.operations);
      expect(new Set(e.spec.routes.map((r) => r.id.toLowerCase())).size).toBe(e.spec.routes.length);
      expect(e.result.warnings.filter((w) => w.kind === 'id-duplicate')).toEqual([]);
    });

    it('is refused without --lenient exactly when it is not valid for its version', async () => {
      const e = await corpusEntry(file);
      // A valid document's import (./corpus.ts) was the strict one: it resolved.
      if (!(file in INVALID)) return void expect([e.lenient, e.result]).toEqual([false, expect.objectContaining({ input: expect.anything() })]);
      const strict = importOpenApi(e.doc, path.join(corpusDir, file));
      const err = await strict.then(() => undefined, (x: unknown) => x);
      expect(err).toBeInstanceOf(SpecValidationError);
      const where = (err as SpecValidationError).issues.map((i) => i.file!.slice(path.join(corpusDir, file).length)).filter(Boolean);
      expect(where).toEqual(INVALID[file]);
    });

    it('synthesizes for every target and stage, or is refused with named reasons', async () => {
      const e = await corpusEntry(file);
      for (const t of e.synth) {
        if (t.ok) expect(t.size).toBeGreaterThan(0);
        else for (const p of t.problems) expect(p).toMatch(/^(route \S+|gateway): \S+ on \S+.*: .+/);
      }
    });

    it('the export keeps the contract: summaries, parameters, bodies, responses and every component', async () => {
      const e = await corpusEntry(file);
      const gone = new Set(e.result.warnings.filter((w) => ['merged', 'skipped', 'skipped-on-purpose'].includes(w.kind)).map((w) => w.where));
      expect(contractDifferences(e.doc, e.exported).filter((d) => !gone.has(d.where))).toEqual([]);
    });

    it('import -> export -> import gives the same GatewaySpec', async () => {
      const e = await corpusEntry(file);
      expect(JSON.stringify(e.again)).toBe(JSON.stringify(e.spec));
    });
  });

  it('every export is valid OpenAPI 3.1 (the importer\'s own schema check)', async () => {
    for (const f of corpusFiles) expect([f, validateDocument((await corpusEntry(f)).exported)]).toEqual([f, []]);
  });

  // Python starts slowly and validates a 500-operation export in tens of seconds: one run over the
  // exports of the smaller documents (their shape is the big ones', which the schema check covers).
  it('the exports pass openapi-spec-validator', async () => {
    const dir = scratch('corpus-export');
    const files: string[] = [];
    for (const f of corpusFiles.filter((x) => !LARGE.includes(x))) files.push(writeJson(path.join(dir, `${f}.export.json`), (await corpusEntry(f)).exported));
    const served = viaLintServer('openapi-spec-validator', files);
    const r = served ?? ((x) => ({ code: x.status, out: `${x.stdout}${x.stderr}` }))(spawnSync('openapi-spec-validator', files, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
    expect(r.out.trim().split('\n').sort()).toEqual(files.map((f) => `${f}: OK`).sort());
    expect(r.code).toBe(0);
  }, 120_000);

  const hasPyYaml = spawnSync(python(), ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;
  (hasPyYaml ? it : it.skip)('every imported spec, written as YAML, reads back identically with PyYAML (YAML 1.1) and yaml (1.2)', async () => {
    const dir = scratch('corpus-yaml');
    const files: string[] = [];
    const inputs: unknown[] = [];
    for (const f of corpusFiles) {
      const full = (await corpusEntry(f)).result.input;
      // The large documents' contracts (1.5 MB of YAML, tens of seconds in PyYAML) hold the same
      // kinds of strings as the small ones', which are written whole; their policy parts are too.
      const input = LARGE.includes(f) ? { ...full, components: undefined, routes: full.routes?.map((r) => ({ ...r, contract: undefined })) } : full;
      const text = toYaml(input);
      expect(parse(text)).toEqual(JSON.parse(JSON.stringify(input)));
      files.push(path.join(dir, `${f}.yaml`));
      writeFileSync(files[files.length - 1], text);
      inputs.push(JSON.parse(JSON.stringify(input)));
    }
    const py = spawnSync(python(), ['-c', 'import json,sys,yaml; print(json.dumps([yaml.safe_load(open(f, encoding="utf-8")) for f in sys.argv[1:]]))', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(py.stderr).toBe('');
    expect(JSON.parse(py.stdout)).toEqual(inputs);
  }, 120_000);

  it('loadSpec reads a corpus document from its file (BOM and all)', async () => {
    const f = path.join(corpusDir, 'openfinance-brasil-accounts-2.4.2.yaml');
    expect(readFileSync(f, 'utf8').charCodeAt(0)).toBe(0xfeff);
    const { spec } = await loadSpec(f);
    expect(JSON.stringify(spec)).toBe(JSON.stringify((await corpusEntry('openfinance-brasil-accounts-2.4.2.yaml')).spec));
  });
});

describe('OpenAPI corpus: auth mapping', () => {
  const load = async (f: string) => (await corpusEntry(f)).spec;
  const kinds = (s: GatewaySpec) => Object.fromEntries(Object.entries(s.authorizers).map(([n, a]) => [n, a.type === 'apiKey' ? `apiKey:${a.in}:${a.name}` : a.type]));

  it('nytimes: an API key in the query, set per operation', async () => {
    const s = await load('nytimes-mostpopular-2.0.0.json');
    expect(Object.values(kinds(s))).toEqual(['apiKey:query:api-key']);
    expect(s.routes.every((r) => Array.isArray(r.auth) && r.auth.length === 1)).toBe(true);
  });

  it('tictactoe: bearer OR oauth2 on one header keeps the first (a gateway cannot tell the tokens apart); the API key route keeps only what can check scopes', async () => {
    const e = await corpusEntry('oai-tictactoe-1.0.0.yaml');
    const s = e.spec;
    expect(kinds(s)).toMatchObject({ bearerHttpAuthentication: 'jwt', user2AppOauth: 'jwt', app2AppOauth: 'jwt', defaultApiKey: 'apiKey:header:api-key', basicHttpAuthentication: 'custom' });
    const put = s.routes.find((r) => r.method === 'PUT')!;
    expect(put.auth).toEqual([['bearerHttpAuthentication']]);
    expect(put.scopes).toEqual(['board:write']);
    const narrowed = e.result.warnings.filter((w) => w.kind === 'alternatives-narrowed');
    // The same narrowing on two operations is one warning naming both.
    expect(narrowed.map((w) => w.where)).toEqual(['#/paths/~1board~1{row}~1{column}/get/security']);
    expect(narrowed[0].message).toMatch(/^2 operations \(#\/paths\/~1board~1\{row\}~1\{column\}\/get\/security, #\/paths\/~1board~1\{row\}~1\{column\}\/put\/security\): user2AppOauth reads header authorization, as bearerHttpAuthentication before it does.*callers must use bearerHttpAuthentication/);
  });

  it('openfinance: OpenID Connect AND OAuth2 in one requirement', async () => {
    const s = await load('openfinance-brasil-accounts-2.4.2.yaml');
    expect(s.routes[0].auth).toEqual([['OAuth2Security', 'OpenId']]);
    expect(s.routes[0].scopes).toEqual(expect.arrayContaining(['openid', 'accounts']));
    expect(s.authorizers.OpenId).toMatchObject({ type: 'jwt' });
  });

  it('okta: per-operation security, and the seven public operations are auth none', async () => {
    const s = await load('okta-management-2024.07.0.yaml');
    expect(s.routes.filter((r) => r.auth === 'none')).toHaveLength(7);
  });

  it('discourse: no security schemes, so every route is explicitly public', async () => {
    const s = await load('discourse-latest.yaml');
    expect(s.routes.every((r) => r.auth === 'none')).toBe(true);
    expect(Object.keys(s.authorizers)).toEqual([]);
  });

  it('pagerduty and kubeflow: one global API key header', async () => {
    expect(kinds(await load('pagerduty-2.0.0.json'))).toMatchObject({ 'api-key': 'apiKey:header:Authorization' });
    const k = await load('kubeflow-pipelines-2.17.0.json');
    expect(Object.values(kinds(k))).toEqual(['apiKey:header:authorization']);
    expect(k.routes.some((r) => r.path === '/apis/v2beta1/runs/{run_id}:archive')).toBe(true);
  });

  it('awslabs: Swagger 2.0 with a numeric version, ANY methods and a greedy path', async () => {
    const e = await corpusEntry('awslabs-serverless-express-proxy-unversioned.yaml');
    expect(e.spec.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['ANY /', 'OPTIONS /', 'ANY /{proxy+}', 'OPTIONS /{proxy+}']);
    expect(e.result.warnings.some((w) => /swagger is written as a number/.test(w.message))).toBe(true);
  });
});

// Two other areas' checks of every corpus document (and example), registered here so that they read
// the import this file makes (./corpus.ts corpusImport) in the same process; as test files of their
// own they shared it only when Jest happened to run them in this file's worker.
portabilityOnDocuments();
kubernetesOnDocuments();
