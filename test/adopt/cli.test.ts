/**
 * `anygate import --from`: the spec and its loss report land on disk; a bundle zip reads like its
 * folder; errors name the path and what to give instead.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { adoptPath } from '../../lib/adopt';
import { toGatewaySpec } from '../../lib/model/normalize';
import { bundleZip } from '../../providers/apigee/bundle';
import { compileApigee } from '../../providers/apigee/compile';
import { cli } from '../cli/run';

const corpus = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'gateways');

describe('anygate import --from', () => {
  (existsSync(corpus) ? it : it.skip)('writes the spec and the loss report beside it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'anygate-adopt-'));
    const out = path.join(dir, 'gateway.yaml');
    const r = await cli(['import', '--from', 'azure', path.join(corpus, 'azure', 'apiops-sample-artifacts'), '--out', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^# Imported from .* \(azure\) by anygate import/);
    const report = readFileSync(path.join(dir, 'gateway.loss.md'), 'utf8');
    expect(report).toContain('## Not mapped');
    // A location is a file plus an XPath (XML) or a JSON pointer.
    expect(report).toContain('`policy.xml#/policies[1]/inbound[1]/set-variable[1]`');
    expect(report).toContain('`apis/graphql-api/apiInformation.json#/properties`');
    const json = await cli(['import', '--from', 'azure', path.join(corpus, 'azure', 'apiops-sample-artifacts'), '--out', out, '--report', path.join(dir, 'loss.json')]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(readFileSync(path.join(dir, 'loss.json'), 'utf8'));
    expect(parsed.counts.lost).toBeGreaterThan(0);
    expect(parsed.findings.every((f: { file: string }) => typeof f.file === 'string')).toBe(true);
  });

  it('reads an Apigee bundle zip as its apiproxy/ folder', async () => {
    const spec = toGatewaySpec({ name: 'zipped', backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: [{ method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none' }] });
    const dir = mkdtempSync(path.join(tmpdir(), 'anygate-zip-'));
    const zip = path.join(dir, 'zipped.zip');
    writeFileSync(zip, await bundleZip(compileApigee(spec, {})));
    const r = adoptPath('apigee', zip);
    expect(r.input.routes).toEqual([expect.objectContaining({ method: 'GET', path: '/items/{id}', backend: 'api' })]);
    expect(r.findings.every((f) => f.file.startsWith('zipped.zip!/apiproxy/'))).toBe(true);
  });

  it('names the path and what to give when nothing can be read', async () => {
    const missing = await cli(['import', '--from', 'aws', '/nonexistent/export.json']);
    expect([missing.code, missing.err.trim()]).toEqual([1, 'anygate: /nonexistent/export.json: no such file or folder; give the exported file, or the folder that holds the export']);
    const wrong = await cli(['import', '--from', 'gcp', 'x']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('give one of aws, azure, apigee, kubernetes');
  });
});
