/**
 * Issue 17: the documents people really have. Each block is one item of the issue, tested with a
 * small hand-made document.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { main } from '../../bin/cli';
import { loadSpec } from '../../lib/load';
import { SpecValidationError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { exportOpenApi } from '../../lib/openapi/export';
import { importOpenApi } from '../../lib/openapi/import';
import { formatWarnings, type ImportWarning } from '../../lib/openapi/warnings';
import { toYaml } from '../../lib/openapi/yaml';
import { python } from '../lint-server';
import { scratch } from '../validators';

type Doc = Record<string, any>;
const base = (paths: Doc, extra: Doc = {}): Doc => ({ openapi: '3.0.3', info: { title: 'Books', version: '1.0.0' }, servers: [{ url: 'https://books.example.com' }], paths, ...extra });
const op = (id: string, more: Doc = {}): Doc => ({ operationId: id, responses: { '200': { description: 'ok' } }, ...more });
const keySchemes = { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-key' } } } };

function write(dir: string, name: string, doc: unknown): string {
  const f = path.join(dir, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return f;
}

async function refusal(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SpecValidationError) return e.issues.filter((i) => i.severity === 'error').map((i) => `${i.file}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a refusal');
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'anygate', ...argv], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe('collisions: every one reported in one run, identical policy merged', () => {
  // 14 pairs like GET /Invoices/{InvoiceID} and GET /Invoices/{InvoiceNumber}.
  const pairs = (n: number, differ: (i: number) => boolean): Doc => {
    const paths: Doc = {};
    for (let i = 0; i < n; i++) {
      paths[`/r${i}/{InvoiceID}`] = { get: op(`byId${i}`, { security: [{ key: [] }] }) };
      paths[`/r${i}/{InvoiceNumber}`] = { get: op(`byNumber${i}`, { security: differ(i) ? [] : [{ key: [] }] }) };
    }
    return base(paths, keySchemes);
  };

  it('reports 14 collisions with different policy at once, each with both pointers and how to resolve it', async () => {
    const errors = await refusal(importOpenApi(pairs(14, () => true), 'inv.yaml'));
    expect(errors).toHaveLength(14);
    expect(errors[13]).toBe(
      'inv.yaml#/paths/~1r13~1{InvoiceNumber}/get: GET /r13/{InvoiceNumber} (byNumber13) matches the same requests as GET /r13/{InvoiceID} (byId13) at #/paths/~1r13~1{InvoiceID}/get ' +
        '(the paths differ only in parameter names or a trailing slash), and their gateway policy differs in auth. Give both the same policy (they are then merged into one route), or drop one with x-anygate: { skip: true }, or change one path',
    );
  });

  it('merges pairs whose gateway policy is identical into one route, with a warning naming both operationIds', async () => {
    const { input, warnings } = await importOpenApi(pairs(14, () => false), 'inv.yaml');
    expect(input.routes).toHaveLength(14);
    expect(input.routes![0]).toMatchObject({ id: 'byId0', path: '/r0/{InvoiceID}' });
    const merged = warnings.filter((w) => w.kind === 'merged');
    expect(merged).toHaveLength(14);
    expect(merged[0].message).toBe('GET /r0/{InvoiceNumber} (byNumber0) is merged into GET /r0/{InvoiceID} (byId0) at #/paths/~1r0~1{InvoiceID}/get: a gateway cannot tell them apart and their gateway policy is identical, so one route (id and path of the first) serves both');
    expect(merged[0].where).toBe('#/paths/~1r0~1{InvoiceNumber}/get');
  });

  it('merges what it can and refuses only the pairs whose policy differs', async () => {
    const errors = await refusal(importOpenApi(pairs(6, (i) => i % 3 === 0), 'inv.yaml'));
    expect(errors.map((e) => e.split(':')[0])).toEqual(['inv.yaml#/paths/~1r0~1{InvoiceNumber}/get', 'inv.yaml#/paths/~1r3~1{InvoiceNumber}/get']);
  });

  it('compares every gateway policy field: a different cache refuses; documentation differences do not', async () => {
    const paths = (cache: Doc) => ({
      '/a/{x}': { get: op('ax', { description: 'by x', tags: ['x'], 'x-anygate': { cache: { ttlSeconds: 30 } } }) },
      '/a/{y}': { get: op('ay', { description: 'by y', 'x-anygate': { cache } }) },
    });
    expect(await refusal(importOpenApi(base(paths({ ttlSeconds: 60 }), { security: [] }), 'c.yaml'))).toEqual([expect.stringMatching(/differs in cache\./)]);
    expect((await importOpenApi(base(paths({ ttlSeconds: 30 }), { security: [] }), 'c.yaml')).input.routes).toHaveLength(1);
  });

  it('x-anygate: { skip: true } drops an operation on purpose, which resolves a collision', async () => {
    const doc = pairs(1, () => true);
    doc.paths['/r0/{InvoiceNumber}'].get['x-anygate'] = { skip: true };
    const { input, warnings } = await importOpenApi(doc, 'inv.yaml');
    expect(input.routes!.map((r) => r.id)).toEqual(['byId0']);
    expect(warnings.find((w) => w.kind === 'skipped-on-purpose')).toMatchObject({ where: '#/paths/~1r0~1{InvoiceNumber}/get', message: 'GET /r0/{InvoiceNumber} (byNumber0) is skipped: x-anygate.skip is true' });
  });

  it('a merged document round-trips: import -> export -> import gives the same spec', async () => {
    const spec = toGatewaySpec((await importOpenApi(pairs(3, () => false), 'inv.yaml')).input);
    const again = toGatewaySpec((await importOpenApi(exportOpenApi(spec) as Doc, 'export.json')).input);
    expect(again).toEqual(spec);
  });
});

describe('$refs: only the parts anygate reads are followed', () => {
  it('a missing side file under x-ms-examples (and in a response schema) does not stop the import', async () => {
    const dir = scratch('oas-sidefile');
    const f = write(dir, 'api.json', base({ '/books': { get: op('listBooks', { 'x-ms-examples': { list: { $ref: './examples/list.json' } }, responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: './schemas/missing.json#/Book' } } } } } }) } }, { security: [] }));
    const { spec } = await loadSpec(f);
    expect(spec.routes.map((r) => r.id)).toEqual(['listBooks']);
  });

  it('an unresolvable $ref that matters names the pointer where it is used and the file it wanted', async () => {
    const dir = scratch('oas-sidefile');
    const f = write(dir, 'api.json', base({ '/books': { $ref: './paths/books.json#/books' }, '/authors': { $ref: './paths/authors.json' } }, { security: [] }));
    write(dir, 'paths/books.json', { books: { get: op('listBooks') } });
    const errors = await refusal(loadSpec(f));
    expect(errors).toEqual([`${f}#/paths/~1authors: $ref "./paths/authors.json" cannot be resolved: file ${path.join(dir, 'paths', 'authors.json')} does not exist`]);
  });

  it('a malformed security requirement in a side file (which schema validation does not reach) is an error, never public', async () => {
    const dir = scratch('oas-sidefile');
    const f = write(dir, 'api.json', base({ '/books': { $ref: './paths/books.json' } }, { ...keySchemes, security: [{ key: [] }] }));
    write(dir, 'paths/books.json', { get: op('listBooks', { security: 'key' }) });
    expect(await refusal(loadSpec(f))).toEqual([`${f}#/paths/~1books/get: GET /books (listBooks): #/paths/~1books/get/security is not a list of security requirement objects`]);
  });

  it('relative $refs inside a side file are read beside that file', async () => {
    const dir = scratch('oas-sidefile');
    const f = write(dir, 'api.json', base({ '/books': { $ref: './paths/books.json' } }, { security: [] }));
    write(dir, 'paths/books.json', { $ref: './items/books.json#/item' });
    write(dir, 'paths/items/books.json', { item: { get: op('listBooks') } });
    expect((await loadSpec(f)).spec.routes.map((r) => r.id)).toEqual(['listBooks']);
  });
});

describe('validation against the document\'s version', () => {
  const invalid = (): Doc => base(
    {
      '/books': { get: op('listBooks', { responses: { '200': { content: {} } } }) },
      '/books/{id}': { get: op('getBook', { security: [{ key: 'yes' }] }), delete: op('deleteBook') },
    },
    { ...keySchemes, security: [{ key: [] }], info: { title: 'Books', version: '1.0.0', logo: 'x.png' } },
  );

  it('refuses an invalid document, every problem with its pointer; never routes: [] with exit 0', async () => {
    const errors = await refusal(importOpenApi(invalid(), 'books.yaml'));
    expect(errors).toEqual([
      'books.yaml#/info: "logo" is not allowed here',
      'books.yaml#/paths/~1books/get/responses/200: "description" is required',
      'books.yaml#/paths/~1books~1{id}/get/security/0/key: must be array',
      'books.yaml: the document is not valid OpenAPI 3.0.3 (3 problems above); fix them, or import with --lenient to import what can be imported (what is skipped is listed)',
    ]);
    const dir = scratch('oas-invalid');
    const f = write(dir, 'books.json', invalid());
    const r = await cli('import', f);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/#\/info: "logo" is not allowed here/);
  });

  it('a document whose operations are not where OpenAPI puts them is refused, not imported as routes: []', async () => {
    const errors = await refusal(importOpenApi({ openapi: '3.0.3', info: { title: 'T', version: '1' }, Paths: { '/a': { get: op('a') } } }, 't.yaml'));
    expect(errors.slice(0, 1)).toEqual(['t.yaml#: "paths" is required; "Paths" is not allowed here']);
    const lenient = await refusal(importOpenApi({ openapi: '3.0.3', info: { title: 'T', version: '1' }, paths: { '/a': { get: op('a', { security: 'none' }) } } }, 't.yaml', { lenient: true }));
    expect(lenient).toEqual(['t.yaml#/paths: none of the 1 operations could be imported (the warnings say why)']);
  });

  it('--lenient imports what it can: problems where anygate does not read are listed, an operation with unreadable security is skipped', async () => {
    const { input, warnings } = await importOpenApi(invalid(), 'books.yaml', { lenient: true });
    expect(input.routes!.map((r) => r.id)).toEqual(['listBooks', 'deleteBook']);
    expect(warnings.filter((w) => w.kind === 'document-error').map((w) => w.where)).toEqual(['#/info', '#/paths/~1books/get/responses/200', '#/paths/~1books~1{id}/get/security/0/key']);
    expect(warnings.filter((w) => w.kind === 'skipped').map((w) => `${w.where}: ${w.message}`)).toEqual(['#/paths/~1books~1{id}/get: GET /books/{id} (getBook) is skipped (--lenient): #/paths/~1books~1{id}/get/security/0/key: must be array']);
  });

  it('validate and synth take --lenient too', async () => {
    const f = write(scratch('oas-invalid'), 'books.json', invalid());
    const strict = await cli('validate', f);
    expect(strict.code).toBe(1);
    expect(strict.err).toMatch(/import with --lenient/);
    const lenient = await cli('validate', f, '--lenient');
    expect(lenient.code).toBe(0);
    expect(lenient.out).toMatch(/valid \(gateway books, 2 routes\)/);
    expect(lenient.err).toMatch(/#\/paths\/~1books~1\{id\}\/get: warning: GET \/books\/\{id\} \(getBook\) is skipped \(--lenient\)/);
    const out = path.join(path.dirname(f), 'out');
    expect((await cli('synth', f, '--target', 'azure', '--out', out)).code).toBe(1);
    const synth = await cli('synth', f, '--target', 'azure', '--out', out, '--lenient');
    expect([synth.code, synth.out]).toEqual([0, expect.stringMatching(/gateway books: 2 routes/)]);
    expect((await cli('portability', f, '--target', 'azure')).code).toBe(1);
    const report = await cli('portability', f, '--target', 'azure', '--lenient');
    expect([report.code, report.err]).toEqual([0, expect.stringMatching(/getBook\) is skipped \(--lenient\)/)]);
  }, 60_000);

  it('--lenient never opens a route whose security scheme is unreadable', async () => {
    const doc = base({ '/a': { get: op('a', { security: [{ broken: [] }] }) }, '/b': { get: op('b', { security: [] }) } }, { components: { securitySchemes: { broken: { type: 'apiKey', in: 'header' } } } });
    await expect(importOpenApi(doc, 'x.yaml')).rejects.toThrow(/#\/components\/securitySchemes\/broken: "name" is required/);
    const { input, warnings } = await importOpenApi(doc, 'x.yaml', { lenient: true });
    expect(input.routes!.map((r) => r.id)).toEqual(['b']);
    expect(warnings.filter((w) => w.kind === 'skipped').map((w) => w.where)).toEqual(['#/components/securitySchemes/broken', '#/paths/~1a/get']);
  });

  it('an operation requiring an undefined scheme is an error naming it (all of them, in one run)', async () => {
    const doc = base({ '/a': { get: op('a', { security: [{ nope: [] }] }) }, '/b': { get: op('b', { security: [{ nada: [] }] }) } }, keySchemes);
    expect(await refusal(importOpenApi(doc, 'x.yaml'))).toEqual([
      'x.yaml#/paths/~1a/get: GET /a (a): security scheme "nope" (#/paths/~1a/get/security/0) is not defined; define it under components.securitySchemes, or remove it from the requirement',
      'x.yaml#/paths/~1b/get: GET /b (b): security scheme "nada" (#/paths/~1b/get/security/0) is not defined; define it under components.securitySchemes, or remove it from the requirement',
    ]);
  });

  it('Swagger 2.0 and OpenAPI 3.1 are validated against their own schemas', async () => {
    const swagger = { swagger: '2.0', info: { title: 'S', version: '1' }, host: 'api.example.com', paths: { '/a/{id}': { get: { parameters: [{ name: 'id', in: 'path', type: 'string' }], responses: { '200': { description: 'ok' } } } } } };
    expect(await refusal(importOpenApi(swagger, 's.json'))).toEqual(expect.arrayContaining([expect.stringMatching(/^s\.json#\/paths\/~1a~1\{id\}\/get\/parameters\/0: .*"required" is required/)]));
    const v31 = { openapi: '3.1.0', info: { title: 'T' }, paths: {} };
    expect(await refusal(importOpenApi(v31, 't.json'))).toContain('t.json#/info: "version" is required');
  });

  it('a oneOf of alternatives reports the one that applies: the one the value\'s tag (a parameter\'s in) selects', async () => {
    const swagger = (p: Record<string, unknown>) => ({ swagger: '2.0', info: { title: 'S', version: '1' }, host: 'api.example.com', parameters: { Section: p }, paths: { '/a/{section}': { get: { parameters: [{ $ref: '#/parameters/Section' }], responses: { '200': { description: 'ok' } } } } } });
    const problems = async (p: Record<string, unknown>) => (await refusal(importOpenApi(swagger(p), 's.json'))).filter((m) => m.startsWith('s.json#/parameters/Section'));
    // The nytimes corpus shape: a path parameter without required: true (not the body branch's "schema").
    expect(await problems({ name: 'section', in: 'path', type: 'string', enum: ['Arts'] })).toEqual(['s.json#/parameters/Section: "required" is required: a path parameter is always required; add required: true']);
    expect(await problems({ name: 'section', in: 'query', type: 'strin' })).toEqual([expect.stringMatching(/^s\.json#\/parameters\/Section\/type: must be one of "string"/)]);
    expect(await problems({ name: 'section', in: 'qury', type: 'string' })).toEqual(['s.json#/parameters/Section/in: must be one of "body", "header", "formData", "query", "path"']);
    const v30 = { openapi: '3.0.3', info: { title: 'T', version: '1' }, paths: { '/a/{id}': { get: { parameters: [{ name: 'id', in: 'path', schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } } } } };
    expect(await refusal(importOpenApi(v30, 't.json'))).toContain('t.json#/paths/~1a~1{id}/get/parameters/0: "required" is required: a path parameter is always required; add required: true');
  });
});

describe('public operations in a document with security schemes', () => {
  it('warns once, listing every operation that becomes public; explicit security: [] is not listed', async () => {
    const doc = base({ '/a': { get: op('a'), delete: op('deleteA'), patch: op('patchA', { security: [] }) }, '/b': { post: op('b', { security: [{ key: [] }] }) } }, keySchemes);
    const { input, warnings } = await importOpenApi(doc, 'p.yaml');
    expect(input.routes!.find((r) => r.id === 'deleteA')!.auth).toBe('none');
    const pub = warnings.filter((w) => w.kind === 'public-operation');
    expect(pub).toHaveLength(1);
    expect(pub[0].message).toBe('2 operations have no security requirement, and the document has no global one although it defines security schemes (key), so they become public routes (auth: none): GET /a (a), DELETE /a (deleteA). Add security to them (or a global security), or write security: [] on the operations meant to be public');
  });

  it('a global requirement covers operations without their own', async () => {
    const { warnings } = await importOpenApi(base({ '/a': { get: op('a') } }, { ...keySchemes, security: [{ key: [] }] }), 'p.yaml');
    expect(warnings.filter((w) => w.kind === 'public-operation')).toEqual([]);
  });
});

describe('grouped warnings', () => {
  const many = (): ImportWarning[] => {
    const w: ImportWarning[] = [];
    for (let i = 0; i < 480; i++) w.push({ kind: 'id-renamed', where: `#/paths/~1p${i}/get/operationId`, file: `a.yaml#/paths/~1p${i}/get/operationId`, path: [], severity: 'warning', message: `operationId "Op_${i}" is not a safe name; the route id is Op-${i}` });
    w.splice(2, 0, { kind: 'public-operation', where: '#/security', file: 'a.yaml#/security', path: [], severity: 'warning', message: '1 operation has no security requirement' });
    return w;
  };

  it('the default groups by kind with counts and examples; the rare kinds stay whole', () => {
    expect(formatWarnings(many())).toEqual([
      'warning: 480 warnings of kind id-renamed, for example:',
      '  a.yaml#/paths/~1p0/get/operationId: warning: operationId "Op_0" is not a safe name; the route id is Op-0',
      '  a.yaml#/paths/~1p1/get/operationId: warning: operationId "Op_1" is not a safe name; the route id is Op-1',
      '  a.yaml#/paths/~1p2/get/operationId: warning: operationId "Op_2" is not a safe name; the route id is Op-2',
      '  ... and 477 more (--verbose lists every warning)',
      'a.yaml#/security: warning: 1 operation has no security requirement',
    ]);
  });

  it('--verbose lists every warning', () => {
    expect(formatWarnings(many(), { verbose: true })).toHaveLength(481);
  });

  it('the CLI groups by default and lists all with --verbose', async () => {
    const paths: Doc = {};
    for (let i = 0; i < 20; i++) paths[`/p${i}`] = { get: op(`getP${i}`, { 'x-anygate': { skip: true } }) };
    paths['/kept'] = { get: op('kept') };
    const f = write(scratch('oas-group'), 'api.json', base(paths, { security: [] }));
    const grouped = await cli('import', f);
    expect(grouped.err).toMatch(/^warning: 20 warnings of kind skipped-on-purpose, for example:$/m);
    expect(grouped.err.split('\n').filter((l) => l.includes('x-anygate.skip is true'))).toHaveLength(3);
    const verbose = await cli('import', f, '--verbose');
    expect(verbose.err.split('\n').filter((l) => l.includes('x-anygate.skip is true'))).toHaveLength(20);
  });

  it('renamed operationIds are one id-renamed warning: the count and the first five', async () => {
    const paths: Doc = {};
    for (let i = 0; i < 20; i++) paths[`/p${i}`] = { get: op(`Get_P${i}`) };
    const { warnings } = await importOpenApi(base(paths, { security: [] }), 'p.yaml');
    expect(warnings.filter((w) => w.kind === 'id-renamed').map((w) => `${w.where}: ${w.message}`)).toEqual([
      '#/paths/~1p0/get/operationId: 20 operationIds are not safe names (letters, digits, hyphens); their route ids are: "Get_P0" -> Get-P0, "Get_P1" -> Get-P1, "Get_P2" -> Get-P2, "Get_P3" -> Get-P3, "Get_P4" -> Get-P4, and 15 more. Nothing to do unless you refer to routes by id (x-anygate, stages); rename the operationIds to keep them as written',
    ]);
  });
});

describe('route ids', () => {
  const long = 'listApplicationTargetsForApplicationAdministratorRoleFor';

  it('operationIds that share their first 48 characters get distinct, readable, stable ids and are not called duplicates', async () => {
    const doc = base({ '/a': { get: op(`${long}User`) }, '/b': { get: op(`${long}Group`) }, '/c': { get: op(`${long}User2`) } }, { security: [] });
    const { input, warnings } = await importOpenApi(doc, 'ids.yaml');
    const ids = input.routes!.map((r) => r.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^listApplicationTargetsForApplicationAdmin-[0-9a-f]{6}$/);
    expect(warnings.filter((w) => w.kind === 'id-duplicate')).toEqual([]);
    expect(warnings.filter((w) => w.kind === 'id-shortened')).toHaveLength(3);
    // Stable: an operation added before them renames none of them.
    doc.paths = { '/0': { get: op(`${long}Zero`) }, ...doc.paths };
    expect((await importOpenApi(doc, 'ids.yaml')).input.routes!.slice(1).map((r) => r.id)).toEqual(ids);
  });

  it('ids that differ only in case are told apart without calling the operationIds duplicates', async () => {
    const { input, warnings } = await importOpenApi(base({ '/a': { get: op('getItem') }, '/b': { get: op('GetItem') } }, { security: [] }), 'ids.yaml');
    expect(input.routes!.map((r) => r.id)).toEqual(['getItem', 'GetItem-2']);
    expect(warnings.find((w) => w.kind === 'id-duplicate')!.message).toBe('route id GetItem is already the id of GET /a (#/paths/~1a/get); ids are compared ignoring case; this route\'s id is GetItem-2');
  });
});

describe('YAML output for YAML 1.1 and 1.2 parsers', () => {
  const tricky = 'Lists books.\u2028Second line\u2029para\u0085nel \u007f\u009f\ufeff end';

  it('escapes line and paragraph separators, NEL, C1 controls and BOMs; both parsers read the same text', () => {
    const text = toYaml({ description: tricky, routes: [{ id: 'a', tags: ['x\u2028y'] }] });
    expect(text).not.toMatch(/[\u0085\u2028\u2029\u007f-\u009f\ufeff]/);
    expect(text).toContain('description: "Lists books.\\LSecond line\\Ppara\\Nnel \\x7f\\x9f\\ufeff end"');
    expect(parse(text)).toEqual({ description: tricky, routes: [{ id: 'a', tags: ['x\u2028y'] }] });
  });

  const ambiguous = ['yes', 'on', 'y', 'No', '1:20', '1_000', '0b101', '~', 'null', 'True', '2001-12-14', '2001-12-14T21:59:43.10-05:00', '0777', '.inf', '1e3', '=', '<<', '1.0'];

  it('quotes every string a YAML 1.1 parser would read as a boolean, number, date or tag', () => {
    const text = toYaml({ a: ambiguous, '<<': 'merge?', n: 12, t: true, z: null });
    expect(parse(text)).toEqual({ a: ambiguous, '<<': 'merge?', n: 12, t: true, z: null });
    expect(parse(text, { version: '1.1' })).toEqual({ a: ambiguous, '<<': 'merge?', n: 12, t: true, z: null });
    expect(text).not.toMatch(/^%YAML/);
  });

  const hasPyYaml = spawnSync(python(), ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;
  (hasPyYaml ? it : it.skip)('anygate import writes YAML that PyYAML (YAML 1.1) reads back identically', async () => {
    const dir = scratch('oas-yaml');
    const f = write(dir, 'api.json', base({ '/books': { get: op('listBooks', { description: tricky, tags: ambiguous }) } }, { info: { title: 'Books', version: '1.0', description: `About\u2028books` }, security: [] }));
    const out = path.join(dir, 'gateway.yaml');
    expect((await cli('import', f, '--out', out)).code).toBe(0);
    const py = spawnSync(python(), ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8"))))', out], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    const read = JSON.parse(py.stdout);
    expect(read.routes[0].description).toBe(tricky);
    expect(read.description).toBe('About\u2028books');
    expect(read.routes[0].tags).toEqual(ambiguous);
    expect(read.version).toBe('1.0');
  });
});

describe('placeholders: validate warns, synth refuses naming the field to set', () => {
  const doc = { openapi: '3.0.3', info: { title: 'Nowhere', version: '1' }, paths: { '/a': { get: op('a') } }, security: [{ bearer: [] }], components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } } };

  it('validate exits 0 and names each placeholder field', async () => {
    const f = write(scratch('oas-ph'), 'api.json', doc);
    const r = await cli('validate', f);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`${f}: authorizers.bearer.issuer: warning: "https://issuer.invalid/" is a placeholder (the source did not say); set authorizers.bearer.issuer to the real value (in the OpenAPI document: x-anygate.authorizers.bearer, a whole authorizer (type, issuer, audiences))`);
    expect(r.err).toContain(`${f}: backends.api.url: warning: "https://backend.invalid" is a placeholder (the source did not say); set backends.api.url to the real value (in the OpenAPI document: add servers (Swagger 2.0: host))`);
  });

  it('synth refuses with exit 1 and writes nothing, unless --allow-placeholders', async () => {
    const dir = scratch('oas-ph');
    const f = write(dir, 'api.json', doc);
    const out = path.join(dir, 'out');
    const r = await cli('synth', f, '--out', out, '--target', 'azure');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${f}: backends.api.url: "https://backend.invalid" is a placeholder (the source did not say); set backends.api.url to the real value (in the OpenAPI document: add servers (Swagger 2.0: host)); or synthesize anyway with --allow-placeholders`);
    expect(r.err).toMatch(/^3 errors$/m);
    const allowed = await cli('synth', f, '--out', out, '--target', 'azure', '--allow-placeholders');
    expect(allowed.code).toBe(0);
    expect(allowed.err).toMatch(/backends\.api\.url: warning: "https:\/\/backend\.invalid" is a placeholder/);
  }, 60_000);

  it('portability answers as synth would: placeholders fail the report unless --allow-placeholders', async () => {
    const f = write(scratch('oas-ph'), 'api.json', doc);
    const r = await cli('portability', f, '--target', 'azure');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${f}: backends.api.url: "https://backend.invalid" is a placeholder`);
    expect(r.out).toMatch(/synth refuses this spec on every target: 3 placeholders \(listed above\)/);
    const json = await cli('portability', f, '--target', 'azure', '--json');
    expect(JSON.parse(json.out).placeholders.map((p: { path: string[] }) => p.path.join('.'))).toEqual(['authorizers.bearer.audiences.0', 'authorizers.bearer.issuer', 'backends.api.url']);
    const allowed = await cli('portability', f, '--target', 'azure', '--allow-placeholders');
    expect([allowed.code, allowed.out]).toEqual([0, expect.not.stringMatching(/synth refuses/)]);
  }, 60_000);
});
