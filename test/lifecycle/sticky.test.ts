/**
 * A sticky canary (release.canary.stickiness): Azure pins callers that carry the header or cookie
 * to one member of the weighted pool by the value's FNV-1a bucket (xmllint clean, nothing stateful
 * replaced); AWS, Apigee and Kubernetes refuse it by record, and dev refuses it on their profiles.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DevRefusedError } from '../../dev/errors';
import { startDev } from '../../dev/server';
import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { validateGateway } from '../../lib/model/normalize';
import { cookieValue } from '../../lib/model/versions';
import { compileAzure } from '../../providers/azure/compile';
import { bucketExpression } from '../../providers/azure/emit/canary';
import { isolateDevHome } from '../dev/helpers';
import { apimPolicyErrors, scratch } from '../validators';
import { lifecycleSpec } from './fixtures';

isolateDevHome();

function sticky(stickiness: Record<string, string>, scheme: 'path' | 'header' = 'header'): Record<string, any> {
  const s = lifecycleSpec(scheme);
  s.release.canary.stickiness = stickiness;
  return s;
}

describe('release.canary.stickiness', () => {
  it.each([[{ header: 'X-User-Id' }], [{ cookie: 'uid' }]])('Azure %j: the bucket picks a pool member on the routes of the shared backend; xmllint clean; nothing stateful replaced', (st) => {
    const before = compileAzure(toGatewaySpec(lifecycleSpec('header')));
    const after = compileAzure(toGatewaySpec(sticky(st)));
    const ids = (p: typeof before) => p.resources.filter((r) => /:(Api|Backend|Product|Subscription|ApiVersionSet)$/.test(r.type)).map((r) => [r.name, r.inputs.apiId ?? r.inputs.backendId ?? r.inputs.productId ?? r.inputs.sid ?? r.inputs.versionSetId]);
    expect(ids(after)).toEqual(ids(before));
    // Every version's Api pins callers; the canary (next.example.com) is the pool's second member, sorted by URL.
    const pinned = after.resources.filter((r) => r.inputs.format === 'rawxml' && String(r.inputs.value).includes('anygate-canary-bucket'));
    expect(pinned.map((r) => r.name).sort()).toEqual(['api-v2-op-delete-items-id-policy', 'api-v2-op-get-items-id-policy', 'op-get-items-id-policy']);
    for (const policy of pinned.map((r) => String(r.inputs.value))) {
      expect(policy).toContain('<set-variable name="anygate-canary-bucket"');
      expect(policy).toMatch(/&lt; 10\)">\s*<set-backend-service backend-id="shop-prod-api-2"\/>/);
      expect(policy).toMatch(/&gt;= 10\)">\s*<set-backend-service backend-id="shop-prod-api-1"\/>/);
      expect(policy).not.toMatch(/\{\{|\}\}/);
    }
    expect(String(pinned[0].inputs.value)).toContain('header' in st ? 'GetValueOrDefault(&quot;X-User-Id&quot;' : 'Trim() == &quot;uid&quot;');
    const dir = scratch('lifecycle-sticky');
    const files = after.resources.filter((r) => r.inputs.format === 'rawxml').map((r, i) => {
      const f = path.join(dir, `${Object.keys(st)[0]}-${i}.xml`);
      writeFileSync(f, r.inputs.value as string);
      return f;
    });
    expect(files.length).toBeGreaterThan(1);
    expect(apimPolicyErrors(files)).toBe('');
  });

  it('the Azure expression is FNV-1a over UTF-16 code units mod 100, -1 without a value (the same function as dev)', () => {
    const e = bucketExpression('header', 'X-User');
    expect(e).toMatch(/^@\{ string v = context\.Request\.Headers\.GetValueOrDefault\("X-User", ""\);/);
    expect(e).toContain('if (v.Length == 0) { return -1; }');
    expect(e).toContain('uint h = 2166136261; foreach (char c in v) { h = unchecked((h ^ (uint)c) * 16777619u); } return (int)(h % 100u);');
    expect(2166136261).toBe(0x811c9dc5);
  });

  it('a cookie is read from pairs split on ";" and "," alike on Azure and in dev (APIM joins repeated Cookie fields with ",")', () => {
    const e = bucketExpression('cookie', 'uid');
    // The separators the C# expression splits on, read from what it emits.
    const m = /GetValueOrDefault\("Cookie", ""\)\.Split\(((?:'.', ?)*'.')\)/.exec(e);
    expect(m).not.toBeNull();
    const separators = [...m![1].matchAll(/'(.)'/g)].map((x) => x[1]);
    expect(separators.sort()).toEqual([',', ';']);
    const azureRead = (header: string) => {
      for (const part of header.split(new RegExp(`[${separators.join('')}]`))) {
        const eq = part.indexOf('=');
        if (eq > 0 && part.slice(0, eq).trim() === 'uid') return part.slice(eq + 1).trim();
      }
      return undefined;
    };
    for (const header of ['a=1,uid=x', 'a=1; uid=x', 'a=1, uid=x; uid=y', 'uid=x', 'a=1', 'xuid=1,uid=x']) {
      expect([header, cookieValue(header, 'uid')]).toEqual([header, azureRead(header)]);
    }
    expect(cookieValue('a=1,uid=x', 'uid')).toBe('x');
    expect(cookieValue('a=1, uid=x; uid=y', 'uid')).toBe('x');
  });

  it('AWS, Apigee and Kubernetes refuse it by record, naming the feature; Azure does not', () => {
    const spec = toGatewaySpec(sticky({ cookie: 'uid' }, 'path'));
    for (const target of ['aws', 'apigee', 'kubernetes'] as const) {
      const problems = targetProblems(spec, target).map((p) => formatProblem(p));
      expect(problems.some((p) => p.includes('gateway: release.canary.stickiness on '))).toBe(true);
    }
    expect(targetProblems(spec, 'azure').filter((p) => formatProblem(p).includes('release.canary.stickiness'))).toEqual([]);
  });

  it('dev refuses it on a profile whose target refuses it', async () => {
    await expect(startDev({ spec: toGatewaySpec(sticky({ header: 'X-User' }, 'path')), profile: 'kubernetes', port: 0, publishAdminToken: false })).rejects.toThrow(DevRefusedError);
  });

  it('a header or cookie name that is not a token is an error at its path', () => {
    for (const [st, where] of [[{ header: 'X User' }, 'release.canary.stickiness.header'], [{ cookie: 'a;b' }, 'release.canary.stickiness.cookie']] as const) {
      const r = validateGateway(sticky(st));
      expect(r.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'))).toContain(where);
    }
    expect(validateGateway(sticky({ header: 'X-User', cookie: 'uid' })).issues.some((i) => i.severity === 'error' && i.path.join('.').startsWith('release.canary.stickiness'))).toBe(true);
  });
});
