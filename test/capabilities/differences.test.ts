/**
 * Behaviour differences are data (issue 27): each target's record names what clients observe where
 * it differs from the spec, the report prints it per feature and target, and a difference that
 * depends on the spec (several origins, ANY routes) appears only where the spec makes it happen.
 */
import { differenceLines, formatPortabilityMarkdown } from '../../lib/capabilities/format';
import { portability } from '../../lib/capabilities/portability';
import { capability, targetCapability } from '../../lib/capabilities/targets';
import { ALL_TARGETS } from '../../lib/capabilities/types';
import { FEATURE_IDS } from '../../lib/capabilities/features';
import { targetProblems } from '../../lib/capabilities/support';
import { toGatewaySpec } from '../../lib/model/normalize';
import { baseSpec } from '../helpers';

const lines = (input: Record<string, any>, targets = ['aws', 'azure', 'apigee'] as const) => differenceLines(portability(toGatewaySpec(input), targets));

describe('behaviour differences', () => {
  it('every difference has an aspect and a sentence, and unsupported records carry none', () => {
    for (const t of ALL_TARGETS) {
      for (const f of FEATURE_IDS) {
        const rec = targetCapability(t, f);
        for (const d of rec.differences ?? []) expect(d.observed.length).toBeGreaterThan(20);
        if (rec.support === 'unsupported') expect(capability(t, f, {}, toGatewaySpec(baseSpec())).differences).toBeUndefined();
      }
    }
  });

  it('names AWS usage plans and Azure quotas best effort, and the quota status per target with errors: native', () => {
    const l = lines({ ...baseSpec(), errors: 'native' });
    expect(l).toContainEqual(expect.stringMatching(/^plan quota on aws: accuracy: usage plan quotas are applied on a best-effort basis/));
    expect(l).toContainEqual(expect.stringMatching(/^plan quota on aws: body: quota exhausted: 429/));
    expect(l).toContainEqual(expect.stringMatching(/^plan quota on azure \(Developer\): status: quota exhausted: 403 .*Retry-After/));
    expect(l).toContainEqual(expect.stringMatching(/^plan quota on azure \(Developer\): accuracy: .*best effort/));
    expect(l).toContainEqual(expect.stringMatching(/^plan quota on apigee \(INTERMEDIATE\): body: quota exhausted: 429 .*QuotaViolation/));
    // The error contract (the default) answers quota alike everywhere: only what it cannot narrow is named.
    const contract = lines(baseSpec());
    expect(contract.filter((x) => /quota exhausted/.test(x))).toEqual([]);
    expect(contract).toContainEqual(expect.stringMatching(/^one error contract .* on aws: headers: API Gateway's 429s .* no Retry-After/));
  });

  it('names the six buckets of an ANY route\'s rate limit on AWS only when an ANY route has one', () => {
    const s = baseSpec();
    s.routes[0].rateLimit = { requestsPerSecond: 5 };
    expect(lines(s)).not.toContainEqual(expect.stringMatching(/ANY route's rate limit/));
    s.routes[0].method = 'ANY';
    expect(lines(s)).toContainEqual(expect.stringMatching(/^route rate limit on aws: burst: an ANY route's rate limit is one method setting per concrete method .*; remedy: /));
  });

  it('names AWS error answers without Allow-Origin only with several origins and credentials', () => {
    const s = baseSpec();
    s.cors = { allowOrigins: ['https://a.example.com'], allowCredentials: true };
    expect(lines(s)).not.toContainEqual(expect.stringMatching(/^CORS on aws: headers/));
    s.cors.allowOrigins.push('https://b.example.com');
    expect(lines(s)).toContainEqual(expect.stringMatching(/^CORS on aws: headers: with several allowed origins and credentials, API Gateway's own 401, 403 and 429 answers carry no Access-Control-Allow-Origin/));
    expect(formatPortabilityMarkdown(portability(toGatewaySpec(s)), 'x')).toMatch(/\| CORS \| gateway \| emulated: .*\(differs: headers\) \|/);
  });

  it('names AWS\'s CORS OPTIONS mock only where CORS meets an authenticated ANY route, and OPTIONS routes taking preflights on AWS only', () => {
    const s = baseSpec();
    s.cors = { allowOrigins: ['https://a.example.com'] };
    s.routes.push({ method: 'ANY', path: '/things', backend: 'api', auth: 'none' });
    expect(lines(s)).not.toContainEqual(expect.stringMatching(/^CORS on aws: methods/));
    s.routes.push({ method: 'ANY', path: '/guarded', backend: 'api', auth: ['jwt'] });
    expect(lines(s)).toContainEqual(expect.stringMatching(/^CORS on aws: methods: every OPTIONS request to a path with no OPTIONS route is answered by the CORS OPTIONS mock \(204\).*; remedy: give the path an OPTIONS route/));
    s.routes.push({ method: 'OPTIONS', path: '/things', backend: 'api', auth: 'none' });
    const withRoute = lines(s, ['aws', 'kubernetes'] as never);
    expect(withRoute).toContainEqual(expect.stringMatching(/^CORS on aws: methods: a path with an OPTIONS route gets no CORS OPTIONS mock/));
    // Kubernetes gives such a path a preflight rule too: CORS answers its preflights, as the spec means.
    expect(withRoute.filter((x) => /^CORS on kubernetes: methods/.test(x))).toEqual([]);
    delete s.cors;
    expect(lines(s, ['aws', 'kubernetes'] as never).filter((x) => /^CORS/.test(x))).toEqual([]);
  });

  it('names how Cache-Control reaches each cloud\'s cache: AWS max-age=0 with InvalidateCache always, Apigee no-cache only with honorNoCache', () => {
    const s = baseSpec();
    s.routes[0].cache = { ttlSeconds: 60 };
    const plain = lines(s);
    expect(plain).toContainEqual(expect.stringMatching(/^response cache on aws: cache: Cache-Control: no-cache is ignored .*max-age=0 refreshes the entry for a SigV4-signed caller allowed execute-api:InvalidateCache/));
    expect(plain.filter((x) => /^response cache on (azure|apigee)/.test(x))).toEqual([]);
    s.routes[0].apigee = { honorNoCache: true };
    expect(lines(s)).toContainEqual(expect.stringMatching(/^response cache on apigee \(INTERMEDIATE\): cache: on a route with apigee.honorNoCache, a request with Cache-Control: no-cache skips the ResponseCache lookup/));
  });

  it('says Regional REST APIs can raise the 29 s integration timeout by quota request', () => {
    const s = baseSpec();
    s.routes[0].timeoutMs = 60_000;
    const p = targetProblems(toGatewaySpec(s), 'aws').find((x) => x.feature === 'backend.timeout')!;
    expect(p.message).toMatch(/Regional and private REST APIs can raise it with a Service Quotas request/);
  });
});
