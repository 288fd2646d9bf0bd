import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { cfnLintErrors, scratch } from '../validators';
import { resourcesOfType, synthAws } from './helpers';

/** Routes as MCP tools on AWS: an AgentCore Gateway per stage over the stage, public routes only. */
const input = (routes: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  name: 'tools',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  authorizers: { key: { type: 'apiKey' } },
  plans: { basic: {} },
  consumers: { acme: { plan: 'basic' } },
  stages: { prod: {}, dev: {} },
  routes,
  ...extra,
});
const get = { id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none', mcp: { tool: 'get_item', description: 'Read one item.' } };

describe('AWS MCP tools (Bedrock AgentCore Gateway)', () => {
  it('emits a Gateway and a GatewayTarget per stage that cfn-lint accepts, with a filter and override per tool', () => {
    const { json } = synthAws(input([get, { id: 'other', method: 'GET', path: '/other', backend: 'api', auth: 'none' }]));
    const gateways = resourcesOfType(json, 'AWS::BedrockAgentCore::Gateway');
    expect(gateways.map(([, r]) => r.Properties.Name).sort()).toEqual(['tools-dev-mcp', 'tools-prod-mcp']);
    expect(gateways[0][1].Properties).toMatchObject({ ProtocolType: 'MCP', AuthorizerType: 'NONE' });
    const targets = resourcesOfType(json, 'AWS::BedrockAgentCore::GatewayTarget');
    expect(targets).toHaveLength(2);
    const api = targets[0][1].Properties.TargetConfiguration.Mcp.ApiGateway;
    expect(api.ApiGatewayToolConfiguration).toEqual({
      ToolFilters: [{ FilterPath: '/items/{id}', Methods: ['GET'] }],
      ToolOverrides: [{ Name: 'get_item', Path: '/items/{id}', Method: 'GET', Description: 'Read one item.' }],
    });
    // No outbound credentials: the routes are public.
    expect(targets[0][1].Properties.CredentialProviderConfigurations).toBeUndefined();
    const file = path.join(scratch('aws-mcp'), 'template.json');
    writeFileSync(file, JSON.stringify(json));
    expect(cfnLintErrors(file)).toEqual([]);
  });

  it('refuses by record tools AgentCore cannot call honestly: authorized routes, ANY, long prefixed names, mutual TLS', () => {
    const problems = (i: Record<string, unknown>) => targetProblems(toGatewaySpec(i), 'aws').map(formatProblem);
    expect(problems(input([{ ...get, auth: ['key'] }]))).toEqual([expect.stringMatching(/^route getItem: mcp\.tools on aws: AgentCore Gateway calls the stage with one identity of its own .*make the route public/)]);
    expect(problems(input([{ ...get, method: 'ANY' }]))).toEqual([expect.stringMatching(/one method: give the route a method/)]);
    expect(problems(input([{ ...get, mcp: { tool: 'x'.repeat(60), description: 'd' } }]))).toEqual([expect.stringMatching(/AgentCore lists the tool as api___x{60} \(66 characters\).*shorten mcp\.tool to 58 characters/)]);
  });
});
