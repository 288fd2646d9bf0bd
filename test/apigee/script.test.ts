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
