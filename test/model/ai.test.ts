import Ajv2020 from 'ajv/dist/2020';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';
import { TOOL_NAME_PATTERN } from '../../lib/model/mcp';
import { toolSchemas } from '../../lib/model/tool-schema';
import { baseSpec, errorsOf } from '../helpers';

/** The AI-gateway model: MCP tools on routes, LLM backends with limits, metrics and guards. */
function spec(extra: Record<string, unknown> = {}, routes?: unknown[]) {
  const s = baseSpec();
  if (routes) s.routes = routes;
  return { ...s, ...extra };
}

describe('MCP tools', () => {
  it('settles names, descriptions and method-derived annotations; the spec wins where it speaks', () => {
    const g = toGatewaySpec(
      spec({}, [
        { method: 'GET', path: '/items/{id}', backend: 'api', auth: ['jwt'], description: 'Read one item', mcp: {} },
        { method: 'DELETE', path: '/items/{id}', backend: 'api', auth: ['jwt'], mcp: { tool: 'remove_item', description: 'Delete an item', annotations: { destructiveHint: false, openWorldHint: false } } },
        { method: 'GET', path: '/health', backend: 'canned', auth: 'none' },
      ]),
    );
    const tools = Object.fromEntries(g.routes.map((r) => [r.id, r.mcp]));
    expect(tools['get-items-id']).toEqual({ tool: 'get-items-id', description: 'Read one item', annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true } });
    expect(tools['delete-items-id']).toEqual({ tool: 'remove_item', description: 'Delete an item', annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false } });
    expect(tools['get-health']).toBeUndefined();
    expect(g.mcp).toEqual({ expose: 'listed', path: '/mcp' });
  });

  it('exposes every route but the opted-out ones with mcp.expose: all, deriving unique names around explicit ones', () => {
    const g = toGatewaySpec(
      spec({ mcp: { expose: 'all', title: 'Shop tools' }, description: 'The shop' }, [
        { method: 'GET', path: '/a', backend: 'api', auth: 'none', id: 'list', description: 'x' },
        { method: 'GET', path: '/b', backend: 'api', auth: 'none', id: 'other', description: 'x', mcp: { tool: 'LIST' } },
        { method: 'GET', path: '/c', backend: 'api', auth: 'none', description: 'x', mcp: false },
      ]),
    );
    expect(g.routes.map((r) => r.mcp?.tool)).toEqual(['list_2', 'LIST', undefined]);
    expect(g.mcp).toEqual({ expose: 'all', path: '/mcp', title: 'Shop tools', description: 'The shop' });
  });

  it('gives located errors for bad and duplicate names, an empty server and a route on the MCP path', () => {
    expect(errorsOf(spec({}, [{ method: 'GET', path: '/a', backend: 'api', auth: 'none', mcp: { tool: 'has space' } }]))).toEqual([
      expect.stringMatching(/^routes\[0\]\.mcp\.tool: must be an MCP tool name: 1-64 characters/),
    ]);
    expect(errorsOf(spec({}, [{ method: 'GET', path: '/a', backend: 'api', auth: 'none', mcp: { tool: 'x'.repeat(65) } }]))).toHaveLength(1);
    expect(
      errorsOf(
        spec({}, [
          { method: 'GET', path: '/a', backend: 'api', auth: 'none', mcp: { tool: 'find' } },
          { method: 'GET', path: '/b', backend: 'api', auth: 'none', mcp: { tool: 'Find' } },
        ]),
      ),
    ).toEqual(['routes[1].mcp.tool: tool name "Find" is already used by routes[0] (tool names are compared without case); give each tool its own name']);
    expect(errorsOf(spec({ mcp: {} }))).toEqual(['mcp: the MCP server exposes no route: add an mcp block to a route, or set mcp.expose: all']);
    expect(errorsOf(spec({ mcp: { expose: 'all' } }, [{ method: 'POST', path: '/mcp', backend: 'api', auth: 'none' }]))).toEqual([
      "routes[0].path: /mcp is the MCP endpoint's path: move the route, or set mcp.path to another path",
    ]);
    const warned = validateGateway(spec({}, [{ method: 'GET', path: '/a', backend: 'api', auth: 'none', mcp: {} }])).warnings;
    expect(warned).toEqual([expect.objectContaining({ rule: 'mcp-tool-description', path: ['routes', 0, 'mcp'] })]);
  });

  it('derives flat input schemas that ajv compiles, keeping credentials out and mapping every argument back', () => {
    const g = toGatewaySpec(
      spec({}, [
        {
          method: 'POST',
          path: '/items/{id}',
          backend: 'api',
          auth: ['key'],
          description: 'Update',
          mcp: {},
          validation: { requiredQuery: ['id', 'mode'], requiredHeaders: ['X-Tenant', 'x-api-key'], bodySchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } },
        },
      ]),
    );
    const s = toolSchemas(g.routes[0], g);
    expect(s.arguments).toEqual([
      { property: 'id', in: 'path', name: 'id', required: true },
      { property: 'query_id', in: 'query', name: 'id', required: true },
      { property: 'mode', in: 'query', name: 'mode', required: true },
      { property: 'x-tenant', in: 'header', name: 'x-tenant', required: true },
      { property: 'body', in: 'body', name: 'body', required: true },
    ]);
    expect(s.output).toBeUndefined();
    const validate = new Ajv2020({ strict: false }).compile(s.input);
    expect(validate({ id: '1', query_id: '2', mode: 'a', 'x-tenant': 't', body: { n: 1 } })).toBe(true);
    expect(validate({ id: '1', query_id: '2', mode: 'a', 'x-tenant': 't', body: { n: 'no' } })).toBe(false);
    expect(validate({ id: '1', query_id: '2', mode: 'a', 'x-tenant': 't', body: { n: 1 }, 'x-api-key': 'k' })).toBe(false);
  });

  it('a gateway exposing 300 routes gets 300 unique valid names', () => {
    const routes = Array.from({ length: 300 }, (_, i) => ({ method: 'GET', path: `/very-long-resource-name-for-testing-purposes/${i}/items`, backend: 'api', auth: 'none', description: 'x' }));
    const g = toGatewaySpec(spec({ mcp: { expose: 'all' } }, routes));
    const names = g.routes.map((r) => r.mcp!.tool);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(300);
    expect(names.every((n) => TOOL_NAME_PATTERN.test(n))).toBe(true);
  });
});

describe('LLM backends', () => {
  const llm = (b: Record<string, unknown>, auth: unknown = ['key']) => spec({ backends: { ...baseSpec().backends, model: { type: 'llm', ...b } } }, [{ method: 'POST', path: '/chat', backend: 'model', auth }]);

  it('normalizes limits, metrics and guards with their defaults', () => {
    const g = toGatewaySpec(
      llm({ provider: 'azure-openai', url: 'https://r.openai.azure.com/', model: 'gpt-4o', tokenLimit: { tokens: 1000, period: 'minute' }, tokenMetrics: {}, guards: { promptSafety: {}, pii: { entities: ['phone', 'email'] } } }),
    );
    expect(g.backends.model).toEqual({
      type: 'llm',
      provider: 'azure-openai',
      url: 'https://r.openai.azure.com',
      model: 'gpt-4o',
      apiVersion: '2024-10-21',
      timeoutMs: 29000,
      tokenLimit: { tokens: 1000, period: 'minute', per: 'consumer', estimatePrompt: false },
      tokenMetrics: { dimensions: ['consumer', 'route'], namespace: 'shop' },
      guards: {
        promptSafety: { categories: ['hate', 'selfHarm', 'sexual', 'violence'], threshold: 'medium', jailbreak: true, responses: false },
        pii: { entities: ['email', 'phone'], action: 'block', responses: false },
      },
    });
    expect(g.routes[0].timeoutMs).toBe(29000);
  });

  it('asks each provider for what it needs, and refuses what does not apply', () => {
    expect(errorsOf(llm({ provider: 'openai-compatible', model: 'm' }))).toEqual(['backends.model.url: is required for provider openai-compatible: the base URL the gateway calls, such as https://api.openai.com/v1']);
    expect(errorsOf(llm({ provider: 'vertex-ai', model: 'gemini', region: 'us-central1' }))).toEqual(['backends.model.project: is required for provider vertex-ai: the Google Cloud project the model is billed to']);
    expect(errorsOf(llm({ provider: 'bedrock', model: 'm', region: 'us-east-1', apiKey: { secretRef: 'env:K' } }))).toEqual([
      "backends.model.apiKey: does not apply to provider bedrock: Bedrock authenticates with the gateway's IAM role; remove it",
    ]);
    expect(errorsOf(llm({ provider: 'openai-compatible', url: 'http://api.example.com', model: 'm' }))).toEqual([expect.stringMatching(/^backends\.model\.url: must use https/)]);
  });

  it('refuses a per-caller token budget on a public route', () => {
    expect(errorsOf(llm({ provider: 'bedrock', model: 'm', region: 'us-east-1', tokenLimit: { tokens: 5, period: 'day' } }, 'none'))).toEqual([
      'routes[0].auth: backend model limits tokens per consumer, but POST /chat is public (auth: none), so there is no consumer to count for: require an authorizer, or set backends.model.tokenLimit.per: gateway',
    ]);
    expect(errorsOf(llm({ provider: 'bedrock', model: 'm', region: 'us-east-1', tokenLimit: { tokens: 5, period: 'day', per: 'gateway' } }, 'none'))).toEqual([]);
  });
});
