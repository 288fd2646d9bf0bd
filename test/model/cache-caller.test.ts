import { cacheCallerCredentials } from '../../lib/model/credentials';
import { toGatewaySpec } from '../../lib/model/normalize';
import { baseSpec } from '../helpers';

/** One computation of "who is the caller" for cache keys; every target and dev map its result. */
describe('cacheCallerCredentials', () => {
  function spec(route: Record<string, unknown>) {
    const s = baseSpec();
    s.authorizers.queryKey = { type: 'apiKey', in: 'query', name: 'api_key' };
    s.authorizers.other = { type: 'jwt', issuer: 'https://other.example.com/', audiences: ['shop'], header: 'X-Token' };
    s.routes = [{ method: 'GET', path: '/c', backend: 'api', cache: { ttlSeconds: 60 }, ...route }];
    const g = toGatewaySpec(s);
    return cacheCallerCredentials(g, g.routes[0]);
  }

  it('is empty on a public route and on a shared cache', () => {
    expect(spec({ auth: 'none' })).toEqual([]);
    expect(spec({ auth: 'jwt', cache: { ttlSeconds: 60, shared: true } })).toEqual([]);
  });

  it('lists every credential of every alternative, in written order, as the spec names it', () => {
    expect(spec({ auth: [['other'], ['queryKey'], ['jwt', 'key']] })).toEqual([
      { authorizer: 'other', type: 'jwt', in: 'header', name: 'X-Token' },
      { authorizer: 'queryKey', type: 'apiKey', in: 'query', name: 'api_key' },
      { authorizer: 'jwt', type: 'jwt', in: 'header', name: 'Authorization' },
      { authorizer: 'key', type: 'apiKey', in: 'header', name: 'x-api-key' },
    ]);
  });
});
