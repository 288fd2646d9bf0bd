/**
 * Response redaction edits the JSON text: every byte outside a redacted field reaches the client
 * as the backend sent it (issue 28: integers above 2^53 were rounded by a parse and re-serialize).
 */
import fc from 'fast-check';
import type { TransformConfig, TransformRoute } from '../../lib/runtime/config';
import { createTransformer, type Transport } from '../../lib/runtime/transform/handler';
import { NotJson, redactJson } from '../../lib/runtime/transform/redact';

const red = (body: string, ...paths: string[]): string => redactJson(Buffer.from(body, 'utf8'), paths).toString('utf8');

/** The meaning redaction had before: on parsed data, delete members and null array elements. */
function reference(value: unknown, path: string): void {
  const parts = path.split('.');
  const walk = (node: unknown, i: number): void => {
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    const keys = parts[i] === '*' ? Object.keys(obj) : Object.prototype.hasOwnProperty.call(obj, parts[i]) ? [parts[i]] : [];
    for (const k of keys) {
      if (i === parts.length - 1) {
        if (Array.isArray(obj)) obj[Number(k)] = null;
        else delete obj[k];
      } else walk(obj[k], i + 1);
    }
  };
  walk(value, 0);
}

describe('redactJson', () => {
  it('keeps integers above 2^53 and every other number spelling exactly', () => {
    const body = '{"id": 12345678901234567890, "ratio": 1.0, "exp": 1E+2, "neg": -0, "email": "a@b.c", "big": [9007199254740993]}';
    expect(red(body, 'email')).toBe('{"id": 12345678901234567890, "ratio": 1.0, "exp": 1E+2, "neg": -0, "big": [9007199254740993]}');
  });

  it('passes the body through untouched when no field matches (escapes, spacing and all)', () => {
    const body = Buffer.from('{ "a" : "\\u00e9\\/x" ,\n\t"b":[ 1 , 2 ] }');
    expect(redactJson(body, ['c.d', 'a.x'])).toBe(body);
  });

  it('removes members with one comma, wherever they are', () => {
    const body = '{"a": 1, "b": 2, "c": 3}';
    expect(red(body, 'a')).toBe('{"b": 2, "c": 3}');
    expect(red(body, 'b')).toBe('{"a": 1, "c": 3}');
    expect(red(body, 'c')).toBe('{"a": 1, "b": 2}');
    expect(red(body, 'a', 'c')).toBe('{"b": 2}');
    expect(red(body, '*')).toBe('{}');
    expect(red('{ "a": {"x": 1} }', 'a')).toBe('{  }');
  });

  it('nulls redacted array elements, so later indexes keep their meaning, and follows * and indexes', () => {
    expect(red('[1, {"card": 2, "sku": 3}, [4]]', '0', '1.card', '2')).toBe('[null, {"sku": 3}, null]');
    expect(red('{"items": [{"card": "4111", "n": 12345678901234567890}, {"card": "5500"}]}', 'items.*.card')).toBe('{"items": [{"n": 12345678901234567890}, {}]}');
  });

  it('matches keys by their decoded text and redacts every occurrence of a repeated key', () => {
    expect(red('{"e\\u006dail": "x", "n": 1}', 'email')).toBe('{"n": 1}');
    expect(red('{"email": "x", "email": "y", "n": 1}', 'email')).toBe('{"n": 1}');
    expect(red('{"c": {"email": "x"}, "c": {"email": "y", "k": 1}}', 'c.email')).toBe('{"c": {}, "c": {"k": 1}}');
  });

  it('keeps bytes that are not valid UTF-8 outside the field as they were', () => {
    const body = Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xff, 0xfe]), Buffer.from('", "b": 1}')]);
    expect(redactJson(body, ['b'])).toEqual(Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
  });

  it.each(['', ' ', '{', '{"a":1,}', '[1,]', '{"a" 1}', '01', '1.', '.5', '+1', "{'a':1}", '"\u0001"', '"\\x"', '"\\u12G4"', 'nul', 'true false', '\ufeff{}', '{"a":1}/**/', '[1 2]'])(
    'refuses what JSON.parse refuses: %j',
    (body) => {
      expect(() => JSON.parse(body)).toThrow();
      expect(() => redactJson(Buffer.from(body), ['a'])).toThrow(NotJson);
    },
  );

  it('reads deep nesting without overflowing the stack', () => {
    const body = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(redactJson(Buffer.from(body), ['0']).toString()).toBe('[null]');
  });

  it('means what redaction on parsed data meant, on generated documents and paths', () => {
    const key = fc.constantFrom('a', 'b', 'email', '0', '1');
    const doc = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.constant(null), fc.boolean(), tie('object'), tie('array')),
      object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      array: fc.array(tie('value'), { maxLength: 3 }),
    })).value;
    const path = fc.array(fc.oneof(key, fc.constant('*')), { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
    fc.assert(
      fc.property(doc, fc.array(path, { minLength: 1, maxLength: 3 }), fc.boolean(), (value, paths, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const expected = JSON.parse(text) as unknown;
        for (const p of paths) reference(expected, p);
        const out = red(text, ...paths);
        expect(JSON.parse(out)).toEqual(expected);
      }),
      { seed: 28, numRuns: 500 },
    );
  });
});

describe('the transform function redacts without re-serializing', () => {
  it('answers with the backend text minus the field', async () => {
    const body = '{"id":12345678901234567890,"amount":10.50,"customer":{"email":"a@b.c","name":"Ann"}}';
    const transport: Transport = {
      http: async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) }),
      invoke: async () => ({}),
    };
    const route: TransformRoute = {
      method: 'GET',
      resource: '/o',
      target: { type: 'http', url: 'http://backend.invalid' },
      rename: {},
      backendPath: '/o',
      timeoutMs: 1000,
      request: { setHeaders: {}, removeHeaders: [], setQuery: {}, removeQuery: [] },
      response: { setHeaders: {}, removeHeaders: [], redact: ['customer.email'] },
    };
    const res = await createTransformer({ version: 1, routes: [route] } as TransformConfig, transport)({ resource: '/o', httpMethod: 'GET' });
    expect(res.body).toBe('{"id":12345678901234567890,"amount":10.50,"customer":{"name":"Ann"}}');
  });
});
