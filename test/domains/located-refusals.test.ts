/**
 * A domain's refusal is placed at the domain it is about, in the input's order (the normalized
 * spec sorts domains by name): its certificate, endpoint or mtls; a refusal of every domain at
 * `domains`; a canary's at `release.canary` (its feature id read as a spec path).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { locatedRefusals } from '../../bin/commands/refusals';
import { targetProblems } from '../../lib/capabilities/support';
import { formatIssue } from '../../lib/model/errors';
import { loadSpecFile } from '../../lib/model/load';

const YAML = `name: edge
backends:
  api: { type: http, url: https://api.example.com }
  next: { type: http, url: https://next.example.com }
defaults: { backend: api, auth: none }
stages: { prod: {} }
release:
  canary: { percent: 10, backend: next, stickiness: { header: X-User } }
domains:
  - name: b.example.com
    certificate: { aws: 'arn:aws:acm:eu-west-1:123456789012:certificate/1', azure: 'https://myvault.vault.azure.net/secrets/apicert' }
  - name: a.example.com
    endpoint: private
    certificate: { azure: 'https://myvault.vault.azure.net/secrets/apicert' }
routes:
  - { method: GET, path: /x }
`;

describe('domain and canary refusals are located', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'anygate-domains-')), 'anygate.yaml');
  writeFileSync(file, YAML);
  const loaded = loadSpecFile(file);
  const issues = (target: 'aws' | 'kubernetes', feature: string) => locatedRefusals(targetProblems(loaded.spec, target).filter((p) => p.feature === feature), file, loaded).map(formatIssue);

  it("at the domain's own field, the second in the file though first by name", () => {
    expect(issues('aws', 'domain')).toEqual([expect.stringMatching(/anygate\.yaml:14:5: gateway: domain on aws: domain a\.example\.com has no certificate for aws/)]);
    expect(issues('aws', 'domain.endpoint')).toEqual([expect.stringMatching(/anygate\.yaml:13:15: gateway: domain\.endpoint on aws: domain a\.example\.com: private custom domain names/)]);
  });

  it('at domains for a refusal of them all, at release.canary for the canary', () => {
    expect(issues('kubernetes', 'domain')).toContainEqual(expect.stringMatching(/anygate\.yaml:9:1: gateway: domain on kubernetes: custom domains need listeners on the Gateway/));
    expect(issues('aws', 'release.canary.sticky')).toEqual([expect.stringMatching(/anygate\.yaml:8:\d+: gateway: release\.canary\.stickiness on aws: /)]);
  });
});
