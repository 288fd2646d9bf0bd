import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { SynthesisError } from '../../lib/model/errors';
import { validateGateway } from '../../lib/model/normalize';
import { bundleZip } from '../../providers/apigee/bundle';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { apimPolicyErrors, scratch } from '../validators';

// `npm test` runs a seeded sample; `npm run fuzz` (FUZZ_RUNS=10000) the long run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = Number(process.env.FUZZ_SEED ?? 424242);

// Text that any spec may carry: XML, JSON, VTL, C# and APIM metacharacters, unicode. No "${"
// (that would be a placeholder) and no control characters (XML cannot hold them).
const text = fc.stringMatching(/^[A-Za-z0-9 <>&"'#@{}()\[\]\\/.,:;!?*+=%|~^éü中😀-]{1,24}$/u).filter((s) => !s.includes('${'));
const headerName = fc.constantFrom('x-a', 'X-Trace', 'x-tenant', 'accept-language');
const paths = fc.uniqueArray(fc.constantFrom('/a', '/a/{id}', '/a/{id}/b', '/f/{p+}', '/t/{id}.json', '/x/y', '/'), { minLength: 1, maxLength: 6 });

const spec = fc
  .record({
    paths,
    method: fc.constantFrom('GET', 'POST', 'PUT', 'ANY'),
    auth: fc.constantFrom('none', 'jwt', 'key', 'both'),
    ttl: fc.option(fc.integer({ min: 0, max: 7200 })),
    rps: fc.option(fc.integer({ min: 1, max: 500 })),
    backend: fc.constantFrom('api', 'fn', 'canned'),
    setHeader: fc.option(fc.tuple(headerName, text)),
    claimHeader: fc.boolean(),
    body: fc.option(fc.dictionary(fc.constantFrom('a', 'b', 'c'), text, { maxKeys: 3 })),
    redact: fc.boolean(),
    cors: fc.boolean(),
    ip: fc.boolean(),
    description: text,
    mockBody: fc.dictionary(fc.constantFrom('k', 'v'), text, { maxKeys: 2 }),
    stages: fc.constantFrom(['prod'], ['dev', 'prod']),
    plan: fc.boolean(),
  })
  .map((g) => ({
    name: 'fuzz',
    description: g.description,
    backends: {
      api: { type: 'http', url: 'https://api.example.com/base' },
      fn: { type: 'function' },
      canned: { type: 'mock', body: g.mockBody, headers: { 'x-m': g.description.replace(/'/g, '') } },
    },
    authorizers: {
      jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['fuzz'], jwksUri: 'https://id.example.com/jwks' },
      key: { type: 'apiKey' },
    },
    ...(g.plan ? { plans: { basic: { quota: { limit: 100, period: 'day' }, rateLimit: { requestsPerSecond: 5 } } }, consumers: { acme: { plan: 'basic' } } } : {}),
    ...(g.cors ? { cors: { allowOrigins: ['https://app.example.com'] } } : {}),
    ...(g.ip ? { ipRules: { deny: ['198.51.100.0/24'] } } : {}),
    stages: Object.fromEntries(g.stages.map((s) => [s, { variables: { region: `r-${s}` } }])),
    routes: g.paths.map((p) => ({
      method: g.method,
      path: p,
      backend: g.backend,
      auth: g.auth === 'both' ? [['jwt', 'key']] : g.auth === 'none' && g.plan ? 'key' : g.auth,
      description: g.description,
      ...(g.ttl !== null ? { cache: { ttlSeconds: g.ttl, key: { query: ['page'] } } } : {}),
      ...(g.rps !== null ? { rateLimit: { requestsPerSecond: g.rps } } : {}),
      transform: {
        request: {
          setHeaders: {
            ...(g.setHeader ? { [g.setHeader[0]]: g.setHeader[1] } : {}),
            ...(g.claimHeader && g.auth !== 'none' && g.auth !== 'key' ? { 'x-user': '${claim.sub}' } : {}),
            'x-region': '${stage.region}',
          },
          ...(g.body ? { body: g.body } : {}),
        },
        ...(g.redact ? { response: { redact: ['secret', 'items.*.card'] } } : {}),
      },
    })),
  }));

describe('property: random specs through every compiler', () => {
  it(`outputs parse, policies and bundles are well-formed, refusals are SynthesisErrors (${RUNS} seeded runs)`, async () => {
    const policies: string[] = [];
    const zips: Promise<Buffer>[] = [];
    let compiled = 0;
    let refused = 0;
    let n = 0;
    fc.assert(
      fc.property(spec, (input) => {
        const r = validateGateway(input);
        if (!r.spec) throw new Error(`the generator made an invalid spec: ${r.errors.map((e) => e.message).join('; ')}`);
        const s = r.spec;
        n++;
        const attempt = <T>(f: () => T): T | undefined => {
          try {
            const out = f();
            compiled++;
            return out;
          } catch (e) {
            if (!(e instanceof SynthesisError)) throw e;
            expect(e.problems.length).toBeGreaterThan(0);
            for (const p of e.problems) expect(p.message.length).toBeGreaterThan(10);
            refused++;
            return undefined;
          }
        };
        const aws = attempt(() => compileAws(s));
        if (aws) expect(JSON.parse(JSON.stringify(aws.body))).toEqual(aws.body);
        const azure = attempt(() => compileAzure(s));
        if (azure) {
          for (const xml of [azure.apiPolicy, ...azure.operations.flatMap((o) => (o.policy ? [o.policy] : []))]) {
            expect(XMLValidator.validate(xml)).toBe(true);
            if (policies.length < 400) policies.push(xml);
          }
        }
        const apigee = attempt(() => compileApigee(s));
        if (apigee) {
          for (const [f, c] of Object.entries(apigee.files)) if (f.endsWith('.xml')) expect(XMLValidator.validate(c)).toBe(true);
          if (n % 50 === 0) zips.push(bundleZip(apigee));
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Both outcomes must occur, or the generator is not reaching the refusals (or the outputs).
    expect(compiled).toBeGreaterThan(RUNS / 2);
    expect(refused).toBeGreaterThan(0);
    const dir = scratch('fuzz-apim');
    const files = policies.map((p, i) => {
      const f = path.join(dir, `p${i}.xml`);
      writeFileSync(f, p);
      return f;
    });
    expect(apimPolicyErrors(files)).toBe('');
    for (const z of await Promise.all(zips)) expect(z.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  });
});
