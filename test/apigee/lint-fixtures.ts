/** Bundles for the apigeelint tests (test/apigee/apigeelint*.test.ts): a golden bundle, and a copy broken on purpose. */
import { appendFileSync, cpSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { scratch } from '../validators';

/** A golden case's bundle (test/golden/<name>/apigee); apigeelint passes it with warnings only. */
export const goldenBundle = (name: string): string => path.join(__dirname, '..', 'golden', name, 'apigee');

/**
 * The minimal golden bundle copied twice under a scratch dir: `good` unchanged, and `broken` with
 * a policy a step names removed (BN010), a policy that is not well-formed XML (BN011), a string in
 * single quotes without a semicolon appended to its script (ESLint through PO025: quotes, semi)
 * and a second script that does not parse (PO025: a parsing error).
 */
export function brokenBundles(): { good: string; broken: string } {
  const dir = scratch('apigeelint');
  const good = path.join(dir, 'good');
  const broken = path.join(dir, 'broken');
  for (const d of [good, broken]) cpSync(path.join(goldenBundle('minimal'), 'apiproxy'), path.join(d, 'apiproxy'), { recursive: true });
  const proxy = path.join(broken, 'apiproxy');
  rmSync(path.join(proxy, 'policies', 'RF-not-found.xml'));
  writeFileSync(path.join(proxy, 'policies', 'AM-error-status.xml'), '<AssignMessage name="AM-error-status"><Set>');
  appendFileSync(path.join(proxy, 'resources', 'jsc', 'anygate.js'), "\nvar broken = 'single'\n");
  writeFileSync(path.join(proxy, 'resources', 'jsc', 'unparsed.js'), 'function (\n');
  return { good, broken };
}
