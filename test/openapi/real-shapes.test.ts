/**
 * Shapes of real documents (test/fixtures/openapi): each imports to a spec that validates without
 * hand edits, and where the import has to invent or narrow something, the warning says what and what
 * to do about it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { capability } from '../../lib/capabilities/targets';
import { targetProblems } from '../../lib/capabilities/support';
import { ALL_TARGETS } from '../../lib/capabilities/types';
import { compileApigee } from '../../providers/apigee/compile';
import { parseDataFile } from '../../lib/model/load';
import { toGatewaySpec } from '../../lib/model/normalize';
import { importOpenApi, type ImportResult } from '../../lib/openapi/import';
import { exportOpenApi } from '../../lib/openapi/export';
import { cli } from '../cli/run';
import { scratch } from '../validators';
import { corpusDir, INVALID } from './corpus';

export const fixtures = path.join(__dirname, '..', 'fixtures', 'openapi');

async function imported(name: string): Promise<ImportResult> {
  const file = path.join(fixtures, name);
  const { data } = parseDataFile(readFileSync(file, 'utf8'), file);
  return importOpenApi(data as Record<string, unknown>, file);
}

const messages = (r: ImportResult, kind: string) => r.warnings.filter((w) => w.kind === kind).map((w) => `${w.where}: ${w.message}`);

describe('an empty info.version', () => {
  it('imports as a placeholder version the model accepts, with a warning naming info.version', async () => {
    const r = await imported('empty-version.yaml');
    expect(r.input.version).toBe('0.0.0');
    expect(toGatewaySpec(r.input).version).toBe('0.0.0');
    expect(messages(r, 'placeholder')).toEqual([expect.stringMatching(/^#\/info\/version: info\.version is empty; .*"0\.0\.0".*set info\.version/)]);
  });
});

describe('anygate import --out writes the format its extension names', () => {
  const doc = path.join(fixtures, 'empty-version.yaml');

  it('.json is JSON, .yaml and .yml are YAML; each validates', async () => {
    const dir = scratch('import-out-format');
    for (const [name, read] of [['s.json', (t: string) => JSON.parse(t)], ['s.yaml', (t: string) => parse(t)], ['s.yml', (t: string) => parse(t)]] as const) {
      const out = path.join(dir, name);
      expect((await cli(['import', doc, '--out', out])).code).toBe(0);
      expect(read(readFileSync(out, 'utf8')).name).toBe('unversioned');
      expect([name, (await cli(['validate', out])).code]).toEqual([name, 0]);
    }
    expect(readFileSync(path.join(dir, 's.json'), 'utf8').startsWith('{')).toBe(true);
  });

  it('refuses an extension that names no format, before writing anything', async () => {
    const out = path.join(scratch('import-out-format-bad'), 'spec.txt');
    const r = await cli(['import', doc, '--out', out]);
    expect([r.code, r.err.trim()]).toEqual([2, `anygate: --out ${out}: the extension ".txt" names no spec format; use .yaml or .yml (YAML) or .json (JSON)`]);
  });
});

describe('warnings a person can act on', () => {
  it('http basic: the warning names the targets that can call the function, from the capability records', async () => {
    const r = await imported('basic.yaml');
    const [w] = messages(r, 'security');
    for (const t of ALL_TARGETS) {
      const c = capability(t, 'auth.custom');
      if (c.support !== 'unsupported') expect(w).toContain(`${t} (${c.note})`);
    }
    expect(w).not.toMatch(/before any target can synthesize|not supported by the clouds/);
    expect(w).toContain('function binding basic-check');
  });

  it('renamed operationIds are one warning with their count', async () => {
    const r = await imported('basic.yaml');
    expect(messages(r, 'id-renamed')).toEqual([expect.stringMatching(/^#\/paths\/~1a\/get\/operationId: 5 operationIds are not safe names .*"get_a" -> get-a, .*"get_e" -> get-e\. /)]);
  });
});

describe('http bearer without bearerFormat: JWT (opaque tokens)', () => {
  it('is an API key read from Authorization after "Bearer ", with a warning; bearerFormat JWT stays a JWT', async () => {
    const r = await imported('opaque-bearer.yaml');
    expect(r.input.authorizers).toEqual({
      token: { type: 'apiKey', in: 'header', name: 'Authorization', scheme: 'Bearer' },
      jwt: { type: 'jwt', issuer: 'https://issuer.invalid/', audiences: ['https://audience.invalid'] },
    });
    const [w] = messages(r, 'security');
    expect(w).toMatch(/^#\/components\/securitySchemes\/token: http bearer without bearerFormat: JWT is read as an opaque token: API key authorizer token .*If the tokens are JWTs, write bearerFormat: JWT/);
    const spec = toGatewaySpec(r.input);
    expect(spec.authorizers.token).toEqual({ type: 'apiKey', in: 'header', name: 'Authorization', scheme: 'Bearer' });
  });

  it('every target implements the scheme prefix or refuses it by its capability record, with the remedy', async () => {
    const spec = toGatewaySpec((await imported('opaque-bearer.yaml')).input);
    for (const t of ALL_TARGETS) {
      const c = capability(t, 'auth.apiKey.scheme');
      const problems = targetProblems(spec, t).filter((p) => p.feature === 'auth.apiKey.scheme');
      if (c.support === 'unsupported') expect([t, problems.map((p) => `${p.where}: ${p.message}`)]).toEqual([t, [expect.stringMatching(/^withKey: .*own header/)]]);
      else expect([t, problems]).toEqual([t, []]);
    }
  });

  it('Apigee extracts the key after the scheme and verifies that', async () => {
    const { input } = await imported('opaque-bearer.yaml');
    const spec = toGatewaySpec({ ...input, authorizers: { token: input.authorizers!.token }, routes: input.routes!.filter((r) => r.id === 'withKey') });
    const files = compileApigee(spec).files;
    const ev = Object.entries(files).find(([f]) => f.endsWith('EV-key-token.xml'));
    expect(ev?.[1]).toMatch(/<Header name="Authorization">\s*<Pattern ignoreCase="true">Bearer \{token\}<\/Pattern>/);
    const va = Object.entries(files).find(([f]) => f.endsWith('VA-token.xml'));
    expect(va?.[1]).toContain('<APIKey ref="anygate.key.token.token"/>');
  });

  it('the model refuses a scheme on a query key, naming the field and what to do', () => {
    expect(() => toGatewaySpec({ name: 'g', backends: { api: { type: 'mock' } }, authorizers: { k: { type: 'apiKey', in: 'query', name: 'key', scheme: 'Bearer' } }, defaults: { backend: 'api' }, routes: [{ id: 'a', method: 'GET', path: '/a', auth: 'k' }] })).toThrow(/authorizers\.k\.scheme.*remove scheme, or set in: header/s);
  });
});

describe('alternatives on one header, and optional authentication', () => {
  it('narrowing names both remedies: a header each, or a scheme prefix each (and what targets do with that)', async () => {
    const r = await imported('shared-header.yaml');
    expect(r.input.routes!.find((x) => x.id === 'get-channel')!.auth).toBe('BotToken');
    const [w] = messages(r, 'alternatives-narrowed');
    expect(w).toMatch(/^#\/paths\/~1channels~1\{channel_id\}\/get\/security: OAuth2 reads header authorization, as BotToken before it does, .*callers must use BotToken\. /);
    expect(w).toContain('give one of them its own header under x-anygate.authorizers');
    expect(w).toContain('x-anygate.authorizers.BotToken: { type: apiKey, in: header, name: authorization, scheme: <prefix> }');
    expect(w).toMatch(/AWS, Apigee and anygate dev then tell the two apart by the prefix; API Management and Kubernetes refuse such a route by their capability records/);
  });

  it('with the prefix said (scheme: Bot), both alternatives are kept, the spec validates, AWS and Apigee carry it and the others refuse by record', async () => {
    const file = path.join(fixtures, 'shared-header.yaml');
    const doc = parse(readFileSync(file, 'utf8'));
    doc['x-anygate'] = { authorizers: { BotToken: { type: 'apiKey', in: 'header', name: 'Authorization', scheme: 'Bot' }, OAuth2: { type: 'jwt', issuer: 'https://chat.example.com', audiences: ['chat'], jwksUri: 'https://chat.example.com/jwks' } } };
    const r = await importOpenApi(doc, file);
    expect(messages(r, 'alternatives-narrowed')).toEqual([]);
    const spec = toGatewaySpec(r.input);
    expect(spec.routes.find((x) => x.id === 'get-channel')!.auth).toEqual([['BotToken'], ['OAuth2']]);
    // AWS and Apigee tell the two apart by the prefix; API Management and Kubernetes refuse by record.
    for (const t of ALL_TARGETS) expect([t, targetProblems(spec, t).filter((p) => p.where === 'get-channel' && p.feature === 'auth.apiKey.scheme').length]).toEqual([t, t === 'aws' || t === 'apigee' ? 0 : 1]);
  });

  it('scopes on one alternative: the narrowing says how to accept the other too', async () => {
    const r = await imported('shared-header.yaml');
    expect(r.input.routes!.find((x) => x.id === 'get-my-user')!.auth).toBe('OAuth2');
    expect(messages(r, 'scopes-narrowed')).toEqual([expect.stringMatching(/^#\/paths\/~1users~1@me\/get\/security: .*BotToken .* not accepted .*To accept BotToken too, write x-anygate: \{ auth: \[BotToken, OAuth2\], scopes: \[\] \} on the operation .*BotToken and OAuth2 also both read header authorization, so first give one of them its own header or scheme prefix/)]);
  });

  it('optional authentication ({} among the alternatives) is imported as optional, with no warning, and exported back as [{}, ...]', async () => {
    const r = await imported('shared-header.yaml');
    expect(r.input.routes!.find((x) => x.id === 'invite-resolve')!.auth).toEqual({ anyOf: 'BotToken', optional: true });
    expect(r.warnings.map((w) => w.message).filter((m) => /optional/.test(m))).toEqual([]);
    const spec = toGatewaySpec(r.input);
    const route = spec.routes.find((x) => x.id === 'invite-resolve')!;
    expect([route.auth, route.authOptional]).toEqual([[['BotToken']], true]);
    const doc = exportOpenApi(spec) as unknown as { paths: Record<string, Record<string, { security: unknown }>> };
    expect(doc.paths['/invites/{code}'].get.security).toEqual([{}, { BotToken: [] }]);
    const again = toGatewaySpec((await importOpenApi(doc as never, path.join(fixtures, 'exported.yaml'))).input).routes.find((x) => x.id === 'invite-resolve')!;
    expect([again.auth, again.authOptional]).toEqual([[['BotToken']], true]);
  });

  it('the model tells alternatives apart by scheme prefix on one header, never a whole-value key from a prefixed one', () => {
    const base = { name: 'g', backends: { api: { type: 'mock' as const } }, defaults: { backend: 'api' } };
    const jwt = { type: 'jwt' as const, issuer: 'https://id.example.com', audiences: ['g'] };
    const ok = { ...base, authorizers: { bot: { type: 'apiKey' as const, name: 'Authorization', scheme: 'Bot' }, oidc: jwt }, routes: [{ id: 'a', method: 'GET' as const, path: '/a', auth: ['bot', 'oidc'] }] };
    expect(toGatewaySpec(ok).routes[0].auth).toEqual([['bot'], ['oidc']]);
    const raw = { ...ok, authorizers: { bot: { type: 'apiKey' as const, name: 'Authorization' }, oidc: jwt } };
    expect(() => toGatewaySpec(raw)).toThrow(/both read header authorization/);
    const bearerKey = { ...ok, authorizers: { bot: { type: 'apiKey' as const, name: 'Authorization', scheme: 'bearer' }, oidc: jwt } };
    expect(() => toGatewaySpec(bearerKey)).toThrow(/both read header authorization/);
  });
});

describe('the same narrowing on many operations', () => {
  it('is one warning that counts them and names the first five', async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 7; i++) paths[`/p${i}`] = { get: { operationId: `p${i}`, security: [{ key: [] }, { oauth: ['read'] }], responses: { '200': { description: 'ok' } } } };
    const doc = {
      openapi: '3.1.0', info: { title: 'Many', version: '1' }, servers: [{ url: 'https://api.example.com' }], paths,
      components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-key' }, oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://id.example.com/token', scopes: { read: 'r' } } } } } },
    };
    const r = await importOpenApi(doc, 'many.yaml');
    expect(messages(r, 'scopes-narrowed')).toEqual([expect.stringMatching(/^#\/paths\/~1p0\/get\/security: 7 operations \(#\/paths\/~1p0\/get\/security, .*#\/paths\/~1p4\/get\/security and 2 more\): scopes apply to every alternative/)]);
  });
});

describe('every document imports to a spec that validates without hand edits', () => {
  const corpus = readdirSync(corpusDir).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => path.join(corpusDir, f));
  const shapes = readdirSync(fixtures).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => path.join(fixtures, f));

  it.each([...shapes, ...corpus].map((f) => [path.basename(f), f]))('%s', async (_name, file) => {
    const { data } = parseDataFile(readFileSync(file, 'utf8'), file);
    const r = await importOpenApi(data as Record<string, unknown>, file, { lenient: path.basename(file) in INVALID });
    expect(() => toGatewaySpec(r.input)).not.toThrow();
  });
});
