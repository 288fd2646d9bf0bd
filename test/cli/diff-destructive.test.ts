/**
 * `anygate diff` reads every target's graph: Kubernetes stages object by object (kind, namespace,
 * name), and flags what cuts clients off though it removes no stateful resource: a Gateway
 * listener removed, a Kubernetes object deleted, the AWS execute-api endpoint turned off.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { synth } from '../../bin/synth';
import { diffOut } from '../../bin/synth/diff';
import { main } from '../../bin/cli';
import { toGatewaySpec } from '../../lib/model/normalize';
import { scratch } from '../validators';

/** Two routes on two stages; `domain` adds a custom domain with mutual TLS. */
function spec(domain: boolean): Record<string, unknown> {
  return {
    name: 'shop',
    basePath: '/api',
    backends: { items: { type: 'http', url: 'https://items.example.com' } },
    stages: { dev: {}, prod: {} },
    kubernetes: { createGateway: {} },
    ...(domain
      ? {
          domains: [
            {
              name: 'api.example.com',
              certificate: { aws: 'arn:aws:acm:eu-west-1:123456789012:certificate/1111-2222', kubernetes: 'api-tls' },
              mtls: { truststore: { aws: 's3://shop-trust/ca.pem', kubernetes: { kind: 'ConfigMap', name: 'shop-ca' } } },
            },
          ],
        }
      : {}),
    routes: [
      { method: 'GET', path: '/items/{id}', backend: 'items', auth: 'none' },
      { method: 'GET', path: '/status', backend: 'items', auth: 'none' },
    ],
  };
}

describe('anygate diff across a custom domain with mutual TLS', () => {
  const dir = scratch('diff-destructive');
  const plain = path.join(dir, 'plain');
  const mtls = path.join(dir, 'mtls');
  beforeAll(async () => {
    for (const [s, out] of [[spec(false), plain], [spec(true), mtls]] as const) {
      const r = await synth(toGatewaySpec(s), { targets: ['aws', 'kubernetes'], outDir: out, progress: () => undefined });
      expect(r.targets.map((t) => [t.target, t.ok, t.errors])).toEqual([
        ['aws', true, []],
        ['kubernetes', true, []],
      ]);
    }
  });

  it('adding it: the Kubernetes listener, its ClientTrafficPolicy and the routes\' parentRefs are changes; AWS turning off execute-api is destructive', () => {
    const d = diffOut(plain, mtls);
    const k8s = d.entries.filter((e) => e.target === 'kubernetes');
    expect(k8s.map((e) => [e.kind, e.id, e.in])).toEqual(
      expect.arrayContaining([
        ['added', expect.stringMatching(/^ClientTrafficPolicy\/envoy-gateway-system\/eg-mtls-api-example-com/), 'prod'],
        ['changed', 'Gateway/envoy-gateway-system/eg', 'prod'],
        ['changed', expect.stringMatching(/^HTTPRoute\/shop-prod\//), 'prod'],
      ]),
    );
    expect(k8s.find((e) => e.id === 'Gateway/envoy-gateway-system/eg' && e.in === 'prod')!.properties).toContainEqual(expect.objectContaining({ new: expect.objectContaining({ name: 'domain-api.example.com' }) }));
    expect(k8s.filter((e) => e.destructive)).toEqual([]);
    const api = d.entries.find((e) => e.target === 'aws' && e.type === 'AWS::ApiGateway::RestApi')!;
    expect(api.properties).toContainEqual({ path: 'Properties.DisableExecuteApiEndpoint', old: undefined, new: true });
    expect([api.destructive, api.why]).toEqual([true, expect.stringMatching(/^turns off the execute-api endpoint/)]);
    expect(d.lines).toContainEqual(expect.stringMatching(/^aws: ~ \w+ \(AWS::ApiGateway::RestApi\) {2}DESTRUCTIVE: turns off the execute-api endpoint/));
  });

  it('removing it: the removed listener and the deleted ClientTrafficPolicy are destructive', () => {
    const d = diffOut(mtls, plain);
    const destructive = d.entries.filter((e) => e.target === 'kubernetes' && e.destructive).map((e) => [e.kind, e.id, e.in, e.why]);
    expect(destructive).toEqual(
      expect.arrayContaining([
        ['changed', 'Gateway/envoy-gateway-system/eg', 'prod', 'removes listener domain-api.example.com: clients of its host and port are cut off'],
        ['removed', expect.stringMatching(/^ClientTrafficPolicy\//), 'prod', expect.stringMatching(/^removes the Kubernetes ClientTrafficPolicy/)],
      ]),
    );
    // Turning execute-api back on cuts no one off.
    expect(d.entries.find((e) => e.target === 'aws' && e.type === 'AWS::ApiGateway::RestApi')!.destructive).toBe(false);
    expect(d.destructive).toBe(d.entries.filter((e) => e.destructive).length);
  });

  it('Kubernetes objects in another order are no change (they are matched by kind, namespace and name)', () => {
    const reordered = path.join(dir, 'reordered');
    cpSync(mtls, reordered, { recursive: true });
    const file = path.join(reordered, 'kubernetes', 'prod', 'gateway.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').split(/^---\n/m).reverse().join('---\n'));
    expect(diffOut(mtls, reordered).changes).toBe(0);
  });
});

describe('anygate diff when one side did not synthesize a target', () => {
  it('does not read a failed target as every resource removed: it says it was not compared, and why', async () => {
    const dir = scratch('diff-failed-target');
    const ok = spec(false) as { routes: Record<string, unknown>[] };
    const cached = { ...ok, routes: ok.routes.map((r, i) => (i === 0 ? { ...r, cache: { ttlSeconds: 30 } } : r)) };
    await synth(toGatewaySpec(ok), { outDir: path.join(dir, 'a'), targets: ['aws', 'kubernetes'], progress: () => undefined });
    // Kubernetes refuses a response cache: its synthesis fails, AWS's is written.
    await synth(toGatewaySpec(cached), { outDir: path.join(dir, 'b'), targets: ['aws', 'kubernetes'], progress: () => undefined }).catch(() => undefined);
    const d = diffOut(path.join(dir, 'a'), path.join(dir, 'b'));
    expect(d.skipped).toEqual([expect.stringMatching(/^kubernetes: not compared: new .* holds none of its artifacts; its synthesis failed there: route .*route\.cache on kubernetes/)]);
    expect(d.destructive).toBe(0);
    expect(d.entries.every((e) => e.target === 'aws')).toBe(true);
    expect(d.entries.length).toBeGreaterThan(0);
    // A gate that could not compare a target has not passed it.
    const io = { out: [] as string[], err: [] as string[] };
    const code = await main(['node', 'anygate', 'diff', path.join(dir, 'a'), path.join(dir, 'b'), '--fail-on', 'destructive'], { out: (s: string) => io.out.push(s), err: (s: string) => io.err.push(s) } as never);
    expect([code, io.out.join('').trim().split('\n').pop()]).toEqual([1, expect.stringMatching(/, 0 destructive, 1 not compared \(targets or stages one run did not synthesize\)$/)]);
  });
});

describe('anygate diff when one run synthesized fewer stages (--stage)', () => {
  it('does not compare the stages one run did not synthesize: their folders are not removed', async () => {
    const dir = scratch('diff-stage-subset');
    await synth(toGatewaySpec(spec(false)), { outDir: path.join(dir, 'a'), targets: ['azure', 'kubernetes'], progress: () => undefined });
    await synth(toGatewaySpec(spec(false)), { outDir: path.join(dir, 'b'), targets: ['azure', 'kubernetes'], stages: ['dev'], progress: () => undefined });
    const d = diffOut(path.join(dir, 'a'), path.join(dir, 'b'));
    expect(d.skipped).toEqual([expect.stringMatching(/^azure: stage prod not compared: the new run .* did not synthesize it \(--stage\)$/), expect.stringMatching(/^kubernetes: stage prod not compared/)]);
    expect([d.changes, d.destructive]).toEqual([0, 0]);
  });
});
