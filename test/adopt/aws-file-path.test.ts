/**
 * A template given as a file, not its folder: the file it includes (`AWS::Include`,
 * `DefinitionUri`) is read from the template's own folder, and only that file; nothing above the
 * folder is ever read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { adoptPath } from '../../lib/adopt';
import { scratch } from '../validators';

const API = `openapi: 3.0.1
info: { title: links, version: '1' }
paths:
  /app:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'https://links.example.com/app' }
      responses: { '200': { description: ok } }
`;
const template = (location: string, key = 'DefinitionBody') => `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  SiteApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      ${key === 'DefinitionBody' ? `DefinitionBody:\n        'Fn::Transform':\n          Name: 'AWS::Include'\n          Parameters:\n            Location: '${location}'` : `DefinitionUri: '${location}'`}
`;

function project(files: Record<string, string>): string {
  const dir = scratch('awsfile');
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}
const paths = (r: ReturnType<typeof adoptPath>) => (r.input.routes as { path: string }[]).map((x) => x.path);

describe('an AWS template given as a file', () => {
  it('reads the AWS::Include beside it, as when its folder is given', () => {
    const dir = project({ 'stack/template.yaml': template('./api.yaml'), 'stack/api.yaml': API, 'stack/unrelated.yaml': 'not: [valid' });
    const r = adoptPath('aws', path.join(dir, 'stack', 'template.yaml'));
    expect(paths(r)).toEqual(['/app']);
    expect(paths(r)).toEqual(paths(adoptPath('aws', path.join(dir, 'stack'))));
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'mapped', construct: 'AWS::Include of the OpenAPI body', mappedTo: 'api.yaml' })]));
    // Only the included file is read: the broken neighbour is not reported.
    expect(r.findings.filter((f) => f.file === 'unrelated.yaml')).toEqual([]);
  });

  it('reads a DefinitionUri in a subfolder', () => {
    const dir = project({ 'template.yaml': template('specs/api.yaml', 'DefinitionUri'), 'specs/api.yaml': API });
    expect(paths(adoptPath('aws', path.join(dir, 'template.yaml')))).toEqual(['/app']);
  });

  it('never reads above the template folder, and says what to do', () => {
    const dir = project({ 'stack/template.yaml': template('../api.yaml'), 'api.yaml': API });
    const r = adoptPath('aws', path.join(dir, 'stack', 'template.yaml'));
    expect(r.input.routes).toEqual([]);
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'lost', construct: 'AWS::Include', reason: expect.stringContaining('"../api.yaml" is not beside the template; import the folder that holds the template and the file') })]));
  });
});
