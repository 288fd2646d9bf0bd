/**
 * A refusal names the spec field people wrote (release.canary.stickiness), not the FeatureId
 * (release.canary.sticky), and the CLI places a gateway-level refusal at that field's line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { locatedRefusals } from '../../bin/commands/refusals';
import { FEATURE_RECORDS } from '../../lib/capabilities/features';
import { FEATURE_SPEC_FIELDS } from '../../lib/capabilities/spec-fields';
import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { loadSpecFile } from '../../lib/model/load';

const YAML = `name: lc
version: 1.0.0
backends:
  items: { type: http, url: https://items.example.com }
  items-next: { type: http, url: https://next.example.com }
release:
  canary:
    percent: 10
    backend: items-next
    of: items
    stickiness: { header: X-User-Id }
routes:
  - { method: GET, path: '/items/{id}', backend: items, auth: none }
`;

test('the sticky-canary refusal on AWS names release.canary.stickiness, at its line', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'anygate-fields-')), 'lc.yaml');
  writeFileSync(file, YAML);
  const loaded = loadSpecFile(file);
  const problems = targetProblems(loaded.spec, 'aws').filter((p) => p.feature === 'release.canary.sticky');
  expect(problems).toHaveLength(1);
  expect(formatProblem(problems[0])).toMatch(/^gateway: release\.canary\.stickiness on aws: /);
  const [issue] = locatedRefusals(problems, file, loaded);
  expect(issue).toMatchObject({ line: 11, message: expect.stringContaining('release.canary.stickiness on aws') });
});

test('every mapped FeatureId is a feature, and its field differs from the id', () => {
  for (const [id, field] of Object.entries(FEATURE_SPEC_FIELDS)) {
    expect(Object.keys(FEATURE_RECORDS)).toContain(id);
    expect(field).not.toBe(id);
  }
});
