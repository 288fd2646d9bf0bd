/** Specs the lifecycle tests share: baseSpec (test/helpers.ts) with versions and a canary added. */
import { baseSpec } from '../helpers';

export type Scheme = 'path' | 'header' | 'query';

/**
 * baseSpec with two versions (v1 deprecated with a sunset and a link, v2 current), a route only v2
 * serves, and a 10% canary of backend api to api-next.
 */
export function lifecycleSpec(scheme: Scheme = 'path', canary = true): Record<string, any> {
  const s = unversionedSpec();
  s.backends['api-next'] = { type: 'http', url: 'https://next.example.com' };
  s.versions = {
    scheme,
    list: [
      { name: 'v1', deprecated: '2026-06-01', sunset: '2027-01-31', link: 'https://example.com/deprecations/v1' },
      { name: 'v2' },
    ],
  };
  s.routes.push({ method: 'DELETE', path: '/items/{id}', backend: 'api', auth: ['jwt'], versions: ['v2'] });
  if (canary) s.release = { canary: { percent: 10, backend: 'api-next', of: 'api' } };
  return s;
}

/** baseSpec with a JWKS URI (Apigee and Envoy do not follow OpenID discovery): the spec before versions. */
export function unversionedSpec(): Record<string, any> {
  const s = baseSpec();
  s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks.json';
  return s;
}
