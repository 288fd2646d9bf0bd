import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { synth } from '../../bin/synth';
import { unpackedFiles } from '../../bin/synth/contents';
import { diffOut } from '../../bin/synth/diff';
import { listFiles } from '../../bin/synth/files';
import { loadSpec } from '../../lib/load';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { nastyGateway } from '../fixtures/nasty';
import { synthAws } from '../aws/helpers';
import { shuffleKeys, shuffled } from '../helpers';
import { apimPolicyErrors, scratch } from '../validators';

const root = path.join(__dirname, '..', '..');
const petstoreInput = parse(readFileSync(path.join(root, 'examples/petstore/gateway.yaml'), 'utf8'));

// Synth outputs are read, never written, by the tests: one synthesis per distinct spec and targets.
const synthesized = new Map<string, Promise<{ out: string; r: Awaited<ReturnType<typeof synth>> }>>();

function synthTo(spec: GatewaySpec, targets = ['aws', 'azure', 'apigee'] as ('aws' | 'azure' | 'apigee')[], fresh = false) {
  const key = JSON.stringify([spec, targets]);
  let result = fresh ? undefined : synthesized.get(key);
  if (!result) {
    const out = scratch('robust');
    result = synth(spec, { targets, outDir: out, progress: () => undefined }).then((r) => ({ out, r }));
    synthesized.set(key, result);
  }
  return result;
}

function tree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(path.join(dir, f)).toString('base64')]));
}

describe('determinism across every target', () => {
  it('the same spec, and the same spec with routes and keys shuffled, give byte-identical outputs (asset hashes and zip included)', async () => {
    const a = await synthTo(toGatewaySpec(petstoreInput));
    // A second synthesis, never the cached one: this compares two real runs.
    const b = await synthTo(toGatewaySpec(shuffleKeys({ ...petstoreInput, routes: shuffled(petstoreInput.routes, 11) }, 11)), undefined, true);
    expect(a.r.ok && b.r.ok).toBe(true);
    expect(tree(b.out)).toEqual(tree(a.out));
    // Nothing depends on where the code or the output lives.
    for (const f of listFiles(a.out)) {
      const text = readFileSync(path.join(a.out, f)).toString('latin1');
      expect(text.includes(root) || text.includes(a.out)).toBe(false);
    }
  });
});

describe('stability: small changes replace no stateful resource', () => {
  it.each([
    ['adding a route', (s: any) => s.routes.push({ id: 'added', method: 'GET', path: '/added/{id}', backend: 'pets', auth: ['jwt'], scopes: ['pets:read'] })],
    ["changing one route's cache TTL", (s: any) => (s.routes.find((r: any) => r.id === 'listPets').cache.ttlSeconds = 120)],
  ])('%s', async (_, change) => {
    const before = await synthTo(toGatewaySpec(petstoreInput));
    const changed = structuredClone(petstoreInput);
    change(changed);
    const after = await synthTo(toGatewaySpec(changed));
    const d = diffOut(before.out, after.out);
    expect(d.changes).toBeGreaterThan(0);
    expect(d.destructive).toBe(0);
    // Only additions and in-place updates; on AWS only the deployment is replaced.
    const removed = d.entries.filter((e) => e.kind === 'removed').map((e) => e.type);
    expect(removed.every((t) => t === 'AWS::ApiGateway::Deployment')).toBe(true);
  });
});

describe('nasty strings across every target', () => {
  // cfn-lint on this template: the nasty spec is a golden case (test/golden/validators.test.ts).
  it('AWS: the template keeps every hostile value intact', () => {
    const { gateway } = synthAws(nastyGateway());
    const mock = (gateway.plan.body.paths as any)['/m'].get['x-amazon-apigateway-integration'];
    const b64 = /base64Decode\("([^"]+)"\)/.exec(mock.responses.default.responseTemplates['application/json'])![1];
    expect(JSON.parse(Buffer.from(b64, 'base64').toString('utf8')).text).toBe(nastyGateway().backends!.canned && (nastyGateway().backends!.canned as any).body.text);
  });

  it('the whole synth: every target succeeds, APIM policies validate', async () => {
    const { out, r } = await synthTo(toGatewaySpec(nastyGateway()));
    expect(r.targets.filter((t) => !t.ok).map((t) => t.errors)).toEqual([]);
    // Every APIM policy, operation policies (held in plan.json) included, unpacked as files for xmllint.
    const unpacked = scratch('robust-apim');
    const policies = [...unpackedFiles(out)].filter(([f]) => f.startsWith('azure/') && f.endsWith('.xml')).map(([f, bytes]) => {
      const p = path.join(unpacked, f);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, bytes);
      return p;
    });
    expect(policies.some((p) => p.includes('/operations/'))).toBe(true);
    expect(apimPolicyErrors(policies)).toBe('');
  });
});

describe('secrets never reach an output', () => {
  const SECRET = 'sk_live_4f9d7c2a1b8e6f3d0a5c';
  const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----';

  it('key values behind secret references, and the environment, appear in no file', async () => {
    process.env.ANYGATE_TEST_SECRET = SECRET;
    const dir = scratch('secrets');
    const aws = structuredClone(petstoreInput);
    aws.consumers.acme.apiKey = { secretRef: 'aws-secretsmanager:prod/acme-key' };
    const azure = structuredClone(petstoreInput);
    azure.consumers.acme.apiKey = { secretRef: 'env:ANYGATE_TEST_SECRET' };
    const awsFile = path.join(dir, 'aws.yaml');
    writeFileSync(awsFile, stringify(aws));
    const azFile = path.join(dir, 'azure.yaml');
    writeFileSync(azFile, stringify(azure));
    const a = await synthTo((await loadSpec(awsFile)).spec, ['aws']);
    const z = await synthTo((await loadSpec(azFile)).spec, ['azure']);
    expect(a.r.ok && z.r.ok).toBe(true);
    for (const out of [a.out, z.out]) {
      for (const f of listFiles(out)) {
        const text = readFileSync(path.join(out, f), 'utf8');
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(PRIVATE_KEY);
      }
    }
    const template = readFileSync(path.join(a.out, 'aws', 'petstore-gateway.template.json'), 'utf8');
    // One key per stage (keys never span stages): the secret holds one value per stage name.
    expect(template).toContain('{{resolve:secretsmanager:prod/acme-key:SecretString:dev::}}');
    expect(template).toContain('{{resolve:secretsmanager:prod/acme-key:SecretString:prod::}}');
    const resources = readFileSync(path.join(z.out, 'azure', 'prod', 'resources.json'), 'utf8');
    expect(resources).toContain('<secret env:ANYGATE_TEST_SECRET>');
    delete process.env.ANYGATE_TEST_SECRET;
  });
});
