/** `anygate diff` groups its lines by target (resources, then policy and proxy files), never interleaved. */
import { writeFileSync } from 'node:fs';
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
