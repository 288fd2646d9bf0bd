/**
 * Optional authentication and API keys after a scheme prefix on API Gateway, as synthesized: the
 * optional route goes through the alternatives definition (API Gateway never calls a REQUEST
 * authorizer whose identity sources are missing), the schemed key through the generated
 * authorizer (apiKeySource AUTHORIZER); checked with cfn-lint by the synth helper's validators.
 */
import { capability } from '../../lib/capabilities/targets';
import { targetProblems } from '../../lib/capabilities/support';
import { toGatewaySpec } from '../../lib/model/normalize';
import { ALTERNATIVES_SCHEME } from '../../providers/aws/auth';
import { cfnLintErrors, scratch } from '../validators';
import { synthAws } from './helpers';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { unpackRoutes } from '../../lib/runtime/route-groups';

const jwt = { type: 'jwt', issuer: 'https://login.example.com/', audiences: ['items'], jwksUri: 'https://login.example.com/jwks' };
const input = {
  name: 'g',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  authorizers: { jwt, bot: { type: 'apiKey', name: 'Authorization', scheme: 'Bot' } },
  plans: { basic: {} },
  consumers: { acme: { plan: 'basic' } },
  defaults: { backend: 'api' },
  routes: [
    { id: 'open', method: 'GET', path: '/open', auth: { anyOf: ['jwt'], optional: true } },
    { id: 'either', method: 'GET', path: '/either', auth: ['jwt', 'bot'] },
    { id: 'bot', method: 'GET', path: '/bot', auth: 'bot' },
    { id: 'closed', method: 'GET', path: '/closed', auth: 'jwt' },
  ],
};

describe('optional authentication and keys after a scheme on AWS', () => {
  const { json, gateway } = synthAws(input);
  const body = gateway.plan.body as any;

  it('is carried, not refused: both records are emulated', () => {
    expect(targetProblems(toGatewaySpec(input), 'aws')).toEqual([]);
    expect(capability('aws', 'auth.optional').support).toBe('emulated');
    expect(capability('aws', 'auth.apiKey.scheme').support).toBe('emulated');
  });

  it('the optional route uses the definition with no credential identity source (the function runs when nothing is sent)', () => {
    expect(body.paths['/open'].get.security).toEqual([{ [ALTERNATIVES_SCHEME]: [] }]);
    expect(body.components.securitySchemes[ALTERNATIVES_SCHEME]['x-amazon-apigateway-authorizer'].identitySource).toBe('stageVariables.anygate_authorizer');
    // A required JWT route keeps its own, cached definition keyed by the token.
    expect(body.paths['/closed'].get.security).toEqual([{ 'anygate-jwt': [] }]);
  });

  it('the schemed key is read by the generated authorizer and returned as usageIdentifierKey (apiKeySource AUTHORIZER)', () => {
    expect(body['x-amazon-apigateway-api-key-source']).toBe('AUTHORIZER');
    expect(body.paths['/bot'].get.security).toEqual([{ 'anygate-bot': [], api_key: [] }]);
    const cfg = gateway.plan.authorizer!.config;
    expect(cfg.apiKeys.bot).toEqual({ in: 'header', name: 'authorization', scheme: 'bot' });
    expect(unpackRoutes(cfg).find((r) => r.resource === '/either')).toMatchObject({ alternatives: [['jwt'], ['bot']], scheme: ALTERNATIVES_SCHEME });
    expect(unpackRoutes(cfg).find((r) => r.resource === '/open')).toMatchObject({ optional: true, alternatives: [['jwt']] });
  });

  it('the template passes cfn-lint', () => {
    const file = path.join(scratch('aws-optional'), 'template.json');
    writeFileSync(file, JSON.stringify(json));
    expect(cfnLintErrors(file)).toEqual([]);
  });
});
