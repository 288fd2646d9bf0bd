/**
 * `anygate dev --access-log json` writes each request as a line of the one access-log schema
 * (schema/access-log.schema.json): every line of a mix of answers (200, 401 and 403 with their
 * reasons, 429, a cache hit, a backend that is down, a mock, no route) validates, and says what
 * the gateway decided.
 */
import { capturedIo } from '../io-capture';
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cmdDev } from '../../bin/commands/dev';
import type { AccessLogLine } from '../../lib/observability/access-log';
import { get, isolateDevHome } from './helpers';
import { MIX, observedDev, sendMix, type ObservedDev } from './observability-kit';

isolateDevHome();

const schema = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'schema', 'access-log.schema.json'), 'utf8'));
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('dev access log in the one schema', () => {
  let o: ObservedDev;
  let statuses: number[];
  let lines: AccessLogLine[];

  beforeAll(async () => {
    o = await observedDev({ logFormat: 'json' });
    statuses = await sendMix(o);
    lines = o.lines.map((l) => JSON.parse(l) as AccessLogLine);
  });
  afterAll(() => o.close());

  it('answers the mix as expected', () => {
    expect(statuses).toEqual(MIX.map((m) => m.status));
    expect(lines).toHaveLength(MIX.length);
  });

  it('writes every line valid against schema/access-log.schema.json', () => {
    for (const [i, l] of lines.entries()) {
      const ok = validate(l);
      if (!ok) throw new Error(`line ${i + 1} (${MIX[i].name}): ${JSON.stringify(validate.errors)}\n${o.lines[i]}`);
      expect(l.time).toMatch(RFC3339_UTC);
      // Every field is written, null where it does not apply: a query never meets a missing key.
      expect(Object.keys(l)).toEqual(Object.keys(schema.properties));
    }
    expect(new Set(lines.map((l) => l.requestId)).size).toBe(lines.length);
  });

  it('says what the gateway decided, request by request', () => {
    const pick = (l: AccessLogLine) => [l.status, l.routeId, l.pathTemplate, l.authOutcome, l.consumer, l.plan, l.cacheHit, l.rateLimit, l.backendLatencyMs === null ? 'no backend' : 'backend'];
    expect(lines.map(pick)).toEqual([
      [401, 'listPets', '/v1/pets', 'unauthenticated', null, null, false, null, 'no backend'],
      [403, 'listPets', '/v1/pets', 'forbidden', null, null, false, null, 'no backend'],
      [200, 'listPets', '/v1/pets', 'allowed', 'dev-user', null, false, 'none', 'backend'],
      [200, 'listPets', '/v1/pets', 'allowed', 'dev-user', null, true, 'none', 'no backend'],
      [200, 'createOrder', '/v1/orders', 'allowed', 'acme', 'gold', null, 'allowed', 'backend'],
      [429, 'createOrder', '/v1/orders', 'allowed', 'acme', 'gold', null, 'throttled', 'no backend'],
      [502, 'broken', '/v1/broken', 'none', null, null, null, 'none', 'backend'],
      [200, 'status', '/v1/status', 'none', null, null, null, 'none', 'no backend'],
      [404, null, null, null, null, null, null, null, 'no backend'],
    ]);
    expect(lines[0].authReason).toBe('no bearer token (Authorization: Bearer ...) was presented');
    expect(lines[0].userAgent).toBe('obs-test/1.0');
    expect(lines[1].authReason).toBe('the token lacks a scope the route requires');
    expect(lines[5].authReason).toMatch(/^over the consumer's plan rate limit; lets in again in \d+ s( of the virtual clock \(POST \/__anygate\/clock to move it\))?$/);
    // The backend that failed, how, and what to do.
    expect(lines[6].authReason).toMatch(/^the backend could not be reached: backend down: backend call failed: .+ \(start it, or point it elsewhere: --backend down=URL\)$/);
    expect(lines[8].authReason).toBe('no route matches the path');
    for (const i of [2, 3, 4, 7]) expect(lines[i].authReason).toBeNull();
    expect(lines[2].traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(lines[3].traceId).toBeNull();
    expect(lines[4].bytesIn).toBe('{"petId":"p1"}'.length);
    expect(lines[2].bytesOut).toBe(lines[3].bytesOut);
    expect(lines[2].bytesOut).toBeGreaterThan(0);
    expect(lines.map((l) => [l.target, l.gateway, l.stage, l.clientIp])).toEqual(lines.map(() => ['dev', 'obs', o.dev.stage, '127.0.0.1']));
  });

  it('keeps the text lines by default, and the records at /__anygate/requests carry the same decisions', async () => {
    const records = ((await (await fetch(`${o.dev.url}/__anygate/requests`)).json()) as { requests: { seq: number; authorizers: string[]; reason?: string; backend: string | null }[] }).requests;
    expect(records.map((r) => r.seq)).toEqual(MIX.map((_, i) => i + 1));
    expect(records[2].authorizers).toEqual(['jwt']);
    expect(records[4].authorizers).toEqual(['key']);
    expect(records[6].backend).toBe('down');
    expect(records[0].reason).toBe(lines[0].authReason);
    const text = await observedDev();
    try {
      await sendMix(text);
      expect(text.lines[0]).toMatch(/^GET \/v1\/pets listPets 401 [\d.]+ms - \(no bearer token/);
    } finally {
      await text.close();
    }
  });
});

describe('anygate dev --access-log json', () => {
  it('writes the listening line, then only schema lines on stdout; the banner goes to stderr', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'anygate-log-')), 'gateway.json');
    writeFileSync(file, JSON.stringify({ name: 'c', backends: { m: { type: 'mock', statusCode: 200, body: { ok: true } } }, defaults: { backend: 'm', auth: 'none' }, routes: [{ method: 'GET', path: '/x' }] }));
    const { out, err, io, until } = capturedIo();
    const stop = new AbortController();
    const running = cmdDev(file, { port: '0', accessLog: 'json' }, io, stop.signal);
    try {
      await until(() => out.length > 0, 'the listening line', running);
      const url = out[0].trim().slice('anygate dev listening on '.length);
      expect((await get(`${url}/x`)).status).toBe(200);
      expect((await get(`${url}/y`)).status).toBe(404);
    } finally {
      stop.abort();
      await running;
    }
    const lines = out.join('').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^anygate dev listening on /);
    for (const l of lines.slice(1)) expect(validate(JSON.parse(l))).toBe(true);
    expect(err.join('')).toMatch(/live view: http:\/\/127\.0\.0\.1:\d+\/__anygate\//);
    await expect(cmdDev(file, { accessLog: 'yaml' }, { out: () => undefined, err: () => undefined })).rejects.toThrow('--access-log "yaml": use text or json');
  });
});
