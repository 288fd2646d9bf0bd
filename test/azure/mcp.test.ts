import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import * as pulumi from '@pulumi/pulumi';
import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAzure } from '../../providers/azure/compile';
import { settle, valueOf, type Recorded } from '../pulumi-mocks';

/**
 * Routes as MCP tools on API Management: an Api of type mcp and an API tool per route at REST
 * API 2025-09-01-preview, through the generic resources.Resource, checked against the definitions
 * extracted from Microsoft's OpenAPI (test/fixtures/apim-mcp-2025-09-01-preview.schema.json).
 */
const recorded: Recorded[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: { ...args.inputs } };
    },
    call: (args) => (args.token.includes('getApiManagementService') ? { gatewayUrl: 'https://contoso.azure-api.net' } : {}),
  },
  'anygate',
  'test',
  false,
);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AzureApimGateway } = require('../../providers/azure/gateway') as typeof import('../../providers/azure/gateway');

const schema = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/apim-mcp-2025-09-01-preview.schema.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(schema);
const check = (def: string) => ajv.getSchema(`${schema.$id}#/$defs/${def}`)!;
const valid = (def: string, value: unknown) => {
  const v = check(def);
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

const input = (routes: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  name: 'tools',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  authorizers: { key: { type: 'apiKey' } },
  plans: { basic: {} },
  consumers: { acme: { plan: 'basic' } },
  routes,
  ...extra,
});
const get = { id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none', mcp: { tool: 'get_item', description: 'Read one item by its id.' } };
const create = { id: 'createItem', method: 'POST', path: '/items', backend: 'api', auth: 'none', mcp: { tool: 'create_item', description: 'Create an item.' } };
const problems = (s: ReturnType<typeof toGatewaySpec>, options = {}) => targetProblems(s, 'azure', options).filter((p) => p.feature === 'mcp.tools').map(formatProblem);

describe('Azure MCP tools (API Management MCP server, 2025-09-01-preview)', () => {
  it('plans an Api of type mcp and one API tool per route whose properties Microsoft\'s definitions accept', () => {
    const plan = compileAzure(toGatewaySpec(input([get, create, { id: 'other', method: 'GET', path: '/other', backend: 'api', auth: 'none' }])));
    const generic = plan.resources.filter((r) => r.type === 'azure-native:resources:Resource');
    expect(generic.map((r) => r.name).sort()).toEqual(['mcp-server', 'mcp-tool-createItem', 'mcp-tool-getItem']);
    const named = (n: string) => generic.find((r) => r.name === n)!;
    const server = named('mcp-server');
    const tools = [named('mcp-tool-getItem'), named('mcp-tool-createItem')];
    expect(server.inputs).toMatchObject({ resourceProviderNamespace: 'Microsoft.ApiManagement', parentResourcePath: { $ref: 'arg', name: 'serviceParentPath' }, resourceType: 'apis', resourceName: 'tools-prod-mcp', apiVersion: '2025-09-01-preview' });
    expect(server.inputs.properties).toEqual({ type: 'mcp', path: 'prod-mcp', displayName: 'tools MCP (prod)', protocols: ['https'], subscriptionRequired: false });
    expect(valid('ApiContractProperties', server.inputs.properties)).toEqual([]);
    expect(valid('ApiName', server.inputs.resourceName)).toEqual([]);
    for (const t of tools) {
      expect(t.inputs).toMatchObject({ resourceType: 'apis/tools-prod-mcp/tools', apiVersion: '2025-09-01-preview' });
      // The operation's resource id is known at deploy time; the schema sees a sample of its shape.
      const props = t.inputs.properties as Record<string, unknown>;
      expect(props.operationId).toEqual({ $ref: 'resource', name: `op-${(t.name as string).slice('mcp-tool-'.length)}`, property: 'id' });
      expect(valid('ToolContractProperties', { ...props, operationId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/apis/tools-prod/operations/getItem' })).toEqual([]);
      expect(valid('ToolId', t.inputs.resourceName)).toEqual([]);
    }
    expect(tools[0].inputs.properties).toMatchObject({ displayName: 'get_item', description: 'Read one item by its id.' });
    // One write at a time on the MCP server (in the spec's route order), each tool after the operation it names.
    expect(tools[1].dependsOn).toEqual(['mcp-server', 'op-createItem']);
    expect(tools[0].dependsOn).toEqual(['mcp-tool-createItem', 'op-getItem']);
  });

  it('the extracted definitions refuse what API Management refuses (the test can fail)', () => {
    expect(valid('ApiContractProperties', { type: 'mcp', path: 'p', mcpTools: [] })).toEqual([' must NOT have additional properties']);
    expect(valid('ApiContractProperties', { type: 'rest', path: 'p' })).toEqual(['/type must be equal to one of the allowed values']);
    expect(valid('ToolId', '-tool')).not.toEqual([]);
    expect(valid('ToolContractProperties', { displayName: 'a b' })).not.toEqual([]);
  });

  it('refuses by record: routes with auth, ipRules, the openapi definition, versions, names API Management cannot take, Consumption', () => {
    const keyed = { ...get, auth: ['key'] };
    expect(problems(toGatewaySpec(input([keyed])))).toEqual([expect.stringMatching(/^route getItem: mcp\.tools on azure \(Developer\): API Management's MCP server calls the route's operation without the client's Authorization header or key/)]);
    expect(problems(toGatewaySpec(input([get], { ipRules: { allow: ['10.0.0.0/8'] } })))).toEqual([expect.stringMatching(/the ipRules of the API do not cover/)]);
    expect(problems(toGatewaySpec(input([get])), { azure: { apiDefinition: 'openapi' } })).toEqual([expect.stringMatching(/apiDefinition 'openapi' creates no operation resources/)]);
    expect(problems(toGatewaySpec(input([{ ...get, mcp: { tool: 'get-', description: 'x' } }])))).toEqual([expect.stringMatching(/must start and end with a letter, digit or _ \(get-\)/)]);
    expect(problems(toGatewaySpec(input([{ ...get, mcp: { tool: 'get_item', description: 'x'.repeat(1001) } }])))).toEqual([expect.stringMatching(/at most 1000 characters, and this one has 1001/)]);
    expect(problems(toGatewaySpec(input([get], { versions: { scheme: 'path', list: [{ name: 'v1' }, { name: 'v2' }] } })))).toEqual([expect.stringMatching(/the tools of an unversioned API only/)]);
    expect(problems(toGatewaySpec(input([get])), { azureSku: 'Consumption' })).toEqual([expect.stringMatching(/Consumption has no MCP servers/)]);
    expect(problems(toGatewaySpec(input([get])))).toEqual([]);
  });

  it('creates them under Pulumi mocks with the service path and the operations\' resource ids', async () => {
    const gw = AzureApimGateway.fromSpec('t', { gateway: toGatewaySpec(input([get, create])), resourceGroupName: 'rg', serviceName: 'contoso-apim' });
    await valueOf(gw.apiId);
    await settle();
    const generic = recorded.filter((r) => r.type === 'azure-native:resources:Resource');
    expect(generic.map((r) => r.name).sort()).toEqual(['t-mcp-server', 't-mcp-tool-createItem', 't-mcp-tool-getItem']);
    const named = (n: string) => generic.find((r) => r.name === n)!;
    expect(named('t-mcp-server').inputs).toMatchObject({ resourceGroupName: 'rg', resourceProviderNamespace: 'Microsoft.ApiManagement', parentResourcePath: 'service/contoso-apim', resourceType: 'apis', resourceName: 'tools-prod-mcp', apiVersion: '2025-09-01-preview' });
    expect(named('t-mcp-tool-getItem').inputs.properties).toEqual({ displayName: 'get_item', description: 'Read one item by its id.', operationId: 't-op-getItem-id' });
    expect(valid('ApiContractProperties', named('t-mcp-server').inputs.properties)).toEqual([]);
    for (const t of generic.filter((r) => r.name !== 't-mcp-server')) expect(valid('ToolContractProperties', t.inputs.properties)).toEqual([]);
  });
});
