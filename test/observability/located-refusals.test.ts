/**
 * An objective's refusal is the gateway's, printed and placed as other spec-field refusals are:
 * `gateway: observability.objectives on <target>: objective <name> (observability.objectives[i]): ...`
 * at the file:line:column of that objective (was `route observability.objectives[1]`, unplaced).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { locatedRefusals } from '../../bin/commands/refusals';
import { targetProblems } from '../../lib/capabilities/support';
import { formatIssue, formatProblem } from '../../lib/model/errors';
import { loadSpecFile } from '../../lib/model/load';

const YAML = `name: located
backends:
  api: { type: http, url: https://api.example.com }
routes:
  - { id: getItem, method: GET, path: '/items/{id}', backend: api, auth: none }
stages:
  prod: {}
  dev: { tracing: false }
observability:
  accessLogs: false
  tracing: true
  metrics: false
  objectives:
    - { name: slo, availability: 99.9 }
    - name: items
      routes: [getItem]
      availability: 99.5
`;

describe('objective and tracing refusals are located', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'anygate-obs-')), 'anygate.yaml');
  writeFileSync(file, YAML);
  const loaded = loadSpecFile(file);
  const located = (target: 'aws' | 'azure' | 'apigee' | 'kubernetes', feature: string) => {
    const problems = targetProblems(loaded.spec, target).filter((p) => p.feature === feature);
    return { lines: problems.map(formatProblem), issues: locatedRefusals(problems, file, loaded).map(formatIssue) };
  };

  it('at the objective: AWS without detailed metrics, Apigee over routes', () => {
    const aws = located('aws', 'observability.objectives');
    expect(aws.lines).toEqual([expect.stringMatching(/^gateway: observability\.objectives on aws: objective items \(observability\.objectives\[1\]\): its alarms read route getItem by the Resource and Method dimensions/)]);
    expect(aws.issues).toEqual([expect.stringMatching(/anygate\.yaml:15:7: gateway: observability\.objectives on aws: objective items/)]);
    const apigee = located('apigee', 'observability.objectives');
    expect(apigee.issues).toEqual([expect.stringMatching(/anygate\.yaml:15:7: gateway: observability\.objectives on apigee \(INTERMEDIATE\): objective items \(observability\.objectives\[1\]\): Apigee's Cloud Monitoring metrics/)]);
  });

  it('at the field the remedy names: Azure without access logs, Kubernetes stages that differ in tracing', () => {
    expect(located('azure', 'observability.objectives').issues).toEqual([expect.stringMatching(/anygate\.yaml:10:15: gateway: observability\.objectives on azure \(Developer\): the log alert rules read the access log/)]);
    expect(located('kubernetes', 'observability.tracing').issues).toEqual([expect.stringMatching(/anygate\.yaml:8:\d+: gateway: observability\.tracing on kubernetes: stages prod trace and dev do not/)]);
  });
});
