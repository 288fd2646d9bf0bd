/** `anygate diff` groups its lines by target (resources, then policy and proxy files), never interleaved. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { scratch } from '../validators';
import { cli } from './run';

it('diff lists each target\'s changes together, in synth\'s target order', async () => {
  const dir = scratch('diff-order');
  const spec = (extra: string) => `name: hello\nbackends:\n  api: { type: http, url: https://httpbin.org }\nroutes:\n  - { method: GET, path: /get, backend: api, auth: none }\n${extra}`;
  writeFileSync(path.join(dir, 'a.yaml'), spec(''));
  // A key-protected route with a plan and a consumer: new resources on both targets (APIM products and
  // subscriptions; Apigee products, developers and apps) and new policy and proxy files.
  writeFileSync(path.join(dir, 'b.yaml'), `authorizers:\n  key: { type: apiKey }\nplans:\n  gold: { quota: { limit: 1000, period: day } }\nconsumers:\n  acme: { plan: gold }\n${spec('  - { method: GET, path: /extra, backend: api, auth: [key] }\n')}`);
  for (const [file, out] of [['a.yaml', 'out-a'], ['b.yaml', 'out-b']]) expect((await cli(['synth', file, '--target', 'azure,apigee', '--out', out], dir)).code).toBe(0);
  const r = await cli(['diff', 'out-a', 'out-b'], dir);
  expect(r.code).toBe(0);
  const targets = r.out.split('\n').map((l) => /^(\w+): [+~-] /.exec(l)?.[1]).filter((t): t is string => t !== undefined);
  const runs = targets.filter((t, i) => i === 0 || targets[i - 1] !== t);
  expect(runs).toEqual(['azure', 'apigee']);
  // Both kinds of entry are there: resources and files.
  expect(r.out).toMatch(/^azure: \+ policy /m);
  expect(r.out).toMatch(/^apigee: \+ .*\(gcp:apigee\/apiProduct:ApiProduct\)/m);
  expect(r.out).toMatch(/^apigee: [+~] proxy /m);
});

it('diff: an argument that is not a synth out dir is a usage error (exit 2, never --fail-on\'s 1), naming the path and what to pass', async () => {
  const dir = scratch('diff-usage');
  writeFileSync(path.join(dir, 'g.yaml'), 'name: hello\nbackends:\n  api: { type: http, url: https://httpbin.org }\nroutes:\n  - { method: GET, path: /get, backend: api, auth: none }\n');
  expect((await cli(['synth', 'g.yaml', '--target', 'azure', '--out', 'out'], dir)).code).toBe(0);
  mkdirSync(path.join(dir, 'empty'));
  const missing = await cli(['diff', 'out', 'nope', '--fail-on', 'changes'], dir);
  expect([missing.code, missing.err.trim()]).toEqual([2, 'anygate: <new-out> nope: no such directory; give two directories written by anygate synth (its --out, default out), older first']);
  const empty = await cli(['diff', 'empty', 'out'], dir);
  expect([empty.code, empty.err.trim()]).toEqual([2, expect.stringMatching(/^anygate: <old-out> empty: no manifest\.json, so not an anygate synth out dir; give two directories/)]);
  const file = await cli(['diff', 'out', 'g.yaml'], dir);
  expect([file.code, file.err]).toEqual([2, expect.stringMatching(/<new-out> g\.yaml: not a directory/)]);
  expect((await cli(['diff', 'out', 'out', '--fail-on', 'changes'], dir)).code).toBe(0);
});
