import fc from 'fast-check';
import { SpecValidationError } from '../../lib/model/errors';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

// Plausible-looking values mixed with garbage, so runs reach deep into validation.
const name = fc.oneof(fc.constantFrom('api', 'fn', 'jwt', 'key', 'gold', 'acme', 'dev', 'Acme', ''), fc.string({ maxLength: 8 }));
const junk = fc.anything({ maxDepth: 2 });
const path = fc.oneof(
  fc.constantFrom('/', '/a', '/a/{id}', '/a/{id}/b', '/f/{p+}', '/t/{id}.json', '/a/{x}', '/bad/{', 'nope', '/a//b'),
  fc.string({ maxLength: 12 }),
);
const method = fc.oneof(fc.constantFrom('GET', 'POST', 'ANY', 'DELETE'), fc.string({ maxLength: 5 }));
const auth = fc.oneof(fc.constant('none'), name, fc.array(fc.oneof(name, fc.array(name, { maxLength: 2 })), { maxLength: 3 }), junk);
const route = fc.record(
  {
    method,
    path,
    backend: name,
    auth,
    scopes: fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
    cache: fc.oneof(fc.record({ ttlSeconds: fc.integer({ min: -10, max: 100_000 }) }), junk),
    rateLimit: fc.record({ requestsPerSecond: fc.double({ min: -1, max: 10, noNaN: false }) }),
    transform: fc.oneof(
      fc.record({ request: fc.record({ setHeaders: fc.dictionary(fc.string({ maxLength: 5 }), fc.constantFrom('${path.id}', '${x}', '${claim.sub}', 'v')) }) }),
      junk,
    ),
  },
  { requiredKeys: ['method', 'path'] },
);
const backend = fc.oneof(
  fc.record({ type: fc.constant('http'), url: fc.constantFrom('https://a.example.com', 'http://a.example.com', 'http://127.0.0.1:1', 'nope') }),
  fc.record({ type: fc.constant('function'), binding: name }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('mock'), statusCode: fc.integer({ min: 0, max: 700 }) }),
  junk,
);
const authorizer = fc.oneof(
  fc.record({ type: fc.constant('jwt'), issuer: fc.constantFrom('https://id.example.com', 'x'), audiences: fc.array(fc.string(), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('apiKey'), in: fc.constantFrom('header', 'query', 'cookie') }, { requiredKeys: ['type'] }),
  junk,
);
const spec = fc.record(
  {
    name,
    backends: fc.dictionary(name, backend, { maxKeys: 3 }),
    authorizers: fc.dictionary(name, authorizer, { maxKeys: 2 }),
    plans: fc.dictionary(name, fc.record({ quota: fc.record({ limit: fc.integer(), period: fc.constantFrom('day', 'year') }) }, { requiredKeys: [] }), { maxKeys: 2 }),
    consumers: fc.dictionary(name, fc.record({ plan: name, apiKey: fc.oneof(fc.string(), fc.record({ secretRef: fc.string() })) }, { requiredKeys: ['plan'] }), { maxKeys: 2 }),
    routes: fc.oneof(fc.array(route, { maxLength: 5 }), junk),
    defaults: fc.oneof(fc.record({ auth, backend: name }, { requiredKeys: [] }), junk),
    cors: fc.oneof(fc.record({ allowOrigins: fc.array(fc.constantFrom('*', 'https://a.example.com', 'ftp://x'), { maxLength: 2 }), allowCredentials: fc.boolean() }), junk),
    ipRules: fc.record({ allow: fc.array(fc.constantFrom('10.0.0.0/8', '1.2.3.4', '300.1.1.1', '::/0', 'x/1'), { maxLength: 2 }) }),
    stages: fc.dictionary(name, fc.oneof(fc.record({ variables: fc.dictionary(fc.string({ maxLength: 4 }), fc.string()) }), junk), { maxKeys: 2 }),
    extra: junk,
  },
  { requiredKeys: [] },
);

// Valid specs with random choices, so the normalization side is exercised as much as rejection.
const nearlyValid = fc
  .record({
    paths: fc.uniqueArray(fc.constantFrom('/a', '/a/{id}', '/a/{id}/b', '/f/{p+}', '/t/{id}.json', '/x/y/z', '/'), { minLength: 1, maxLength: 6 }),
    auth: fc.constantFrom('none', 'jwt', ['jwt', 'key'], [['jwt', 'key']]),
    ttl: fc.option(fc.integer({ min: 0, max: 86_400 })),
    rps: fc.option(fc.double({ min: 0.1, max: 1000, noNaN: true })),
    method: fc.constantFrom('GET', 'POST', 'ANY'),
    cors: fc.boolean(),
  })
  .map(({ paths, auth, ttl, rps, method, cors }) => ({
    name: 'fuzz',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { jwt: { type: 'jwt', issuer: 'https://id.example.com', audiences: ['a'] }, key: { type: 'apiKey' } },
    ...(cors ? { cors: { allowOrigins: ['https://app.example.com'] } } : {}),
    routes: paths.map((path) => ({
      method,
      path,
      backend: 'api',
      auth,
      ...(ttl !== null ? { cache: { ttlSeconds: ttl } } : {}),
      ...(rps !== null ? { rateLimit: { requestsPerSecond: rps } } : {}),
    })),
  }));

describe('property: validation of random specs', () => {
  it(`never throws anything but SpecValidationError (${RUNS} seeded runs)`, () => {
    let valid = 0;
    fc.assert(
      fc.property(fc.oneof(nearlyValid, spec, junk), (input) => {
        const r = validateGateway(input);
        // Every issue is located and explained.
        for (const i of r.issues) {
          expect(Array.isArray(i.path)).toBe(true);
          expect(i.message.length).toBeGreaterThan(5);
        }
        if (r.spec) {
          valid++;
          // A valid spec normalizes to the same bytes every time.
          expect(JSON.stringify(toGatewaySpec(input))).toBe(JSON.stringify(r.spec));
        } else {
          expect(r.errors.length).toBeGreaterThan(0);
          expect(() => toGatewaySpec(input)).toThrow(SpecValidationError);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generator must reach valid specs too, or it only tests the front door.
    expect(valid).toBeGreaterThan(RUNS / 10);
  });
});
