import { findPlaceholders, isPlaceholder, placeholderIssues } from '../../lib/model/placeholders';
import { toGatewaySpec } from '../../lib/model/normalize';
import { importOpenApi } from '../../lib/openapi/import';

describe('placeholders (lib/model/placeholders)', () => {
  it('recognises URLs on the reserved .invalid domain, and nothing else', () => {
    for (const u of ['https://backend.invalid', 'https://issuer.invalid/', 'https://a.b.invalid:8443/x', 'http://user@x.invalid?q', 'https://invalid']) expect([u, isPlaceholder(u)]).toEqual([u, true]);
    for (const u of ['https://invalid.example.com', 'https://api.example.com/invalid', 'acme@petstore.anygate.invalid', 'backend.invalid', 'https://x.invalidate.com']) expect([u, isPlaceholder(u)]).toEqual([u, false]);
  });

  it('finds them anywhere a gateway uses a value (backends, stage overrides, authorizers), never in prose', () => {
    const spec = toGatewaySpec({
      name: 'g',
      description: 'see https://docs.invalid',
      backends: { api: { type: 'http', url: 'https://backend.invalid' }, real: { type: 'http', url: 'https://real.example.com' } },
      authorizers: { jwt: { type: 'jwt', issuer: 'https://issuer.invalid/', audiences: ['g'] } },
      stages: { dev: { backends: { real: { url: 'https://dev.invalid' } } } },
      defaults: { backend: 'api' },
      routes: [{ id: 'a', method: 'GET', path: '/a', auth: 'jwt', description: 'https://also.invalid' }],
    });
    expect(findPlaceholders(spec).map((p) => p.path.join('.'))).toEqual(['authorizers.jwt.issuer', 'backends.api.url', 'stages.dev.backends.real.url']);
    expect(placeholderIssues(spec, 'error', 'g.yaml')[1]).toEqual({ path: ['backends', 'api', 'url'], file: 'g.yaml', severity: 'error', rule: 'placeholder', message: '"https://backend.invalid" is a placeholder (the source did not say); set backends.api.url to the real value; or synthesize anyway with --allow-placeholders' });
    expect(placeholderIssues(spec, 'warning', 'g.yaml', 'openapi').map((i) => i.message.replace(/^.*real value /, ''))).toEqual([
      '(in the OpenAPI document: x-anygate.authorizers.jwt, a whole authorizer (type, issuer, audiences))',
      '(in the OpenAPI document: add servers (Swagger 2.0: host))',
      '(in the OpenAPI document: x-anygate.stages.dev.backends.real.url)',
    ]);
  });

  it('an audience the document does not give is a placeholder, never one made up from the title (OpenFinance: openIdConnect)', async () => {
    const doc = {
      openapi: '3.0.0',
      info: { title: 'API Accounts - Open Finance Brasil', version: '2.4.2' },
      servers: [{ url: 'https://api.example.com' }],
      components: { securitySchemes: { OpenId: { type: 'openIdConnect', openIdConnectUrl: 'https://auth.example.com/.well-known/openid-configuration' }, OAuth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://auth.example.com/token', scopes: {} } } } } },
      security: [{ OpenId: [] }],
      paths: { '/accounts': { get: { operationId: 'accounts', responses: { '200': { description: 'ok' } } } } },
    };
    const r = await importOpenApi(doc, 'of.yaml');
    expect(r.input.authorizers).toEqual({
      OpenId: { type: 'jwt', issuer: 'https://auth.example.com', audiences: ['https://audience.invalid'] },
      OAuth2: { type: 'jwt', issuer: 'https://issuer.invalid/', audiences: ['https://audience.invalid'] },
    });
    expect(r.warnings.filter((w) => w.kind === 'placeholder' && w.where === '#/components/securitySchemes/OpenId').map((w) => w.message)).toEqual([expect.stringContaining('set x-anygate.authorizers.OpenId to a jwt authorizer')]);
    // synth refuses it as it refuses the invented URLs, naming the field.
    const issues = placeholderIssues(toGatewaySpec(r.input), 'error', 'of.yaml', 'openapi').map((i) => i.path.join('.'));
    expect(issues).toEqual(expect.arrayContaining(['authorizers.OpenId.audiences.0', 'authorizers.OAuth2.audiences.0']));
  });
});
