/**
 * The bundle's JavaScript (resources/jsc/anygate.js) run in a VM with a stand-in for Apigee's
 * `context`, for the checks it makes itself.
 */
import { runInNewContext } from 'node:vm';
import { SCRIPT_SOURCE } from '../../providers/apigee/script';

function rewrite(template: string, params: Record<string, string>): { path?: string; error?: string } {
  const vars: Record<string, unknown> = Object.fromEntries(Object.entries(params).map(([k, v]) => [`anygate.path.${k}`, v]));
  const context = { getVariable: (n: string) => vars[n], setVariable: (n: string, v: unknown) => (vars[n] = v) };
  try {
    runInNewContext(SCRIPT_SOURCE, { context, properties: { mode: 'rewrite', template } });
    return { path: vars['anygate.backend.path'] as string };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('Apigee script: rewrite', () => {
  it('encodes each segment of a parameter', () => {
    expect(rewrite('/api/{id}', { id: 'a b/c' })).toEqual({ path: '/api/a%20b/c' });
  });

  it.each(['..', 'a/../b', '..\\admin', '..%5Cadmin', '..%5cadmin', '..%2Fx', '%2e%2e\\x', '.\\x'])('refuses the dot segment in %j (issue 28: a backslash and its encodings are separators)', (id) => {
    expect(rewrite('/api/{id}', { id })).toEqual({ error: 'dot segment in path parameter' });
  });

  it('allows dots that are not a whole segment', () => {
    expect(rewrite('/api/{id}', { id: '..a\\b..' })).toEqual({ path: '/api/..a%5Cb..' });
  });
});

function redact(body: string, paths: string[]): { body: string; status?: string } {
  const vars: Record<string, unknown> = { 'response.content': body };
  const context = { getVariable: (n: string) => vars[n], setVariable: (n: string, v: unknown) => (vars[n] = v) };
  runInNewContext(SCRIPT_SOURCE, { context, properties: { mode: 'redact', paths: JSON.stringify(paths) } });
  return { body: vars['response.content'] as string, status: vars['response.status.code'] as string | undefined };
}

describe('Apigee script: redact (issue 28: edits the text, never re-serializes)', () => {
  it('keeps integers above 2^53 and every byte outside the field', () => {
    expect(redact('{"id": 12345678901234567890, "amount": 10.50, "customer": {"email": "a@b.c", "name": "Ann"}}', ['customer.email']).body).toBe('{"id": 12345678901234567890, "amount": 10.50, "customer": {"name": "Ann"}}');
    expect(redact('[1, {"card": 2, "sku": 3}]', ['1.card', '0']).body).toBe('[null, {"sku": 3}]');
    expect(redact('{"items": [{"card": "4111"}, {"card": "5500", "n": 9007199254740993}]}', ['items.*.card']).body).toBe('{"items": [{}, {"n": 9007199254740993}]}');
  });

  it('answers 502 for a body that is not JSON', () => {
    for (const body of ['{"a":1,}', 'nope', '{"a": 01}']) expect(redact(body, ['a']).status).toBe('502');
  });

  it('means what the AWS transform does, on generated documents', async () => {
    const fc = (await import('fast-check')).default;
    const { redactJson } = await import('../../lib/runtime/transform/redact');
    const key = fc.constantFrom('a', 'b', '0', '1');
    const doc = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.constant(null), tie('object'), tie('array')),
      object: fc.dictionary(key, tie('value'), { maxKeys: 3 }),
      array: fc.array(tie('value'), { maxLength: 3 }),
    })).value;
    const path = fc.array(fc.oneof(key, fc.constant('*')), { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
    fc.assert(
      fc.property(doc, fc.array(path, { minLength: 1, maxLength: 2 }), (value, paths) => {
        const text = JSON.stringify(value, null, 1);
        expect(redact(text, paths).body).toBe(redactJson(Buffer.from(text), paths).toString());
      }),
      { seed: 28, numRuns: 200 },
    );
  });
});
