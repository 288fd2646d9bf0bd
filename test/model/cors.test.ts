import { allowOriginValue, corsMethods, originAllowed, preflightMethods } from '../../lib/model/cors';
import type { CorsSpec } from '../../lib/model/types';
import { preflight } from '../../dev/cors';

const cors = (o: Partial<CorsSpec>): CorsSpec => ({ allowOrigins: ['https://a.example'], allowMethods: ['GET'], allowHeaders: [], exposeHeaders: [], allowCredentials: false, maxAgeSeconds: 600, ...o });

describe('CORS decisions, once for every target and dev', () => {
  it('expands ANY to the methods by name (no `*`: browsers refuse it on credentialed requests)', () => {
    expect(corsMethods(cors({ allowMethods: ['ANY'] }))).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    expect(corsMethods(cors({ allowMethods: ['POST', 'GET'] }))).toEqual(['GET', 'POST']);
  });

  it('answers a preflight with the path methods CORS allows, plus OPTIONS, sorted', () => {
    expect(preflightMethods(cors({ allowMethods: ['ANY'] }), ['ANY'])).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    expect(preflightMethods(cors({ allowMethods: ['GET', 'PUT'] }), ['ANY'])).toEqual(['GET', 'OPTIONS', 'PUT']);
    expect(preflightMethods(cors({ allowMethods: ['GET'] }), ['POST', 'GET'])).toEqual(['GET', 'OPTIONS']);
  });

  it('dev answers an ANY route under `allowMethods: [ANY]` with every method (it used to answer OPTIONS alone)', () => {
    const r = preflight('azure', cors({ allowMethods: ['ANY'] }), 'https://a.example', ['ANY']);
    expect(r.headers['access-control-allow-methods']).toBe('DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT');
  });

  it('echoes a listed origin; `*` only without credentials', () => {
    expect(originAllowed(cors({}), 'https://b.example')).toBe(false);
    expect(allowOriginValue(cors({ allowOrigins: ['*'] }), 'https://b.example')).toBe('*');
    expect(allowOriginValue(cors({ allowOrigins: ['*'], allowCredentials: true }), 'https://b.example')).toBe('https://b.example');
  });
});
