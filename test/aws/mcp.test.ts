import { writeFileSync } from 'node:fs';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
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

  it('refuses by record a greedy {name+} route (AgentCore does not support proxy resources)', () => {
    const problems = (i: Record<string, unknown>) => targetProblems(toGatewaySpec(i), 'aws').map(formatProblem);
    expect(problems(input([{ ...get, path: '/files/{path+}' }]))).toEqual([expect.stringMatching(/^route getItem: mcp\.tools on aws: AgentCore Gateway does not support methods on proxy resources \(\/files\/\{path\+\} has a greedy \{name\+\} segment\): give the tool a route without a greedy segment/)]);
  });

  it('refuses by record tools beside ipRules (AgentCore calls from its own addresses: allow breaks, deny is bypassed)', () => {
    const problems = (i: Record<string, unknown>) => targetProblems(toGatewaySpec(i), 'aws').map(formatProblem);
    for (const ipRules of [{ allow: ['203.0.113.0/24'] }, { deny: ['198.51.100.7/32'] }]) {
      expect(problems(input([get], { ipRules }))).toEqual([expect.stringMatching(/^route getItem: mcp\.tools on aws: AgentCore Gateway calls the stage from its own addresses, so ipRules\.allow would refuse every tool call and ipRules\.deny would be bypassed.*drop ipRules/)]);
    }
  });

  it('the AwsGateway construct refuses endpointType PRIVATE with tools, naming them and the remedy', () => {
    expect(() => synthAws(input([get]), { endpointType: apigw.EndpointType.PRIVATE })).toThrow('AwsGateway: endpointType PRIVATE cannot serve MCP tools (get_item): AgentCore Gateway calls only public (REGIONAL or EDGE) API endpoints; use REGIONAL, or drop mcp from the routes');
  });

  it('a change of a tool\'s schema changes the GatewayTarget description (AgentCore re-reads the export); the role trusts only this account\'s gateways', () => {
    const description = (routes: Record<string, unknown>[]) => resourcesOfType(synthAws(input(routes)).json, 'AWS::BedrockAgentCore::GatewayTarget')[0][1].Properties.Description as string;
    const before = description([get]);
    expect(before).toMatch(/^tools stage (prod|dev) \(tool schemas [0-9a-f]{16}\)$/);
    expect(description([get])).toBe(before);
    // A required query parameter is a new tool argument: the target must be updated.
    expect(description([{ ...get, validation: { requiredQuery: ['lang'] } }])).not.toBe(before);
    // A route that is no tool does not touch it.
    expect(description([get, { id: 'other', method: 'GET', path: '/other', backend: 'api', auth: 'none', validation: { requiredQuery: ['q'] } }])).toBe(before);
    const { json } = synthAws(input([get]));
    const roles = resourcesOfType(json, 'AWS::IAM::Role').filter(([id]) => id.includes('McpRole'));
    expect(roles).toHaveLength(2);
    expect(roles[0][1].Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'bedrock-agentcore.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock-agentcore:us-east-1:123456789012:gateway/*']] } },
      },
    }]);
    const file = path.join(scratch('aws-mcp-trust'), 'template.json');
    writeFileSync(file, JSON.stringify(json));
    expect(cfnLintErrors(file)).toEqual([]);
  });
});
