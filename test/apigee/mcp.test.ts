/**
 * Issue 30 (Apigee): routes as MCP tools through an MCP Discovery Proxy per stage. The tools'
 * OpenAPI document is what Apigee's managed MCP server lists and calls, so it must say what the
 * model's tool schema says (lib/model/tool-schema.ts), be a valid OpenAPI 3.0 document, and name
 * the stage's environment group host; the bundle passes apigeelint; what cannot be said is refused
 * by record, in portability and synth alike.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parse } from 'yaml';
import { synthApigee } from '../../bin/synth/apigee';
import { targetProblems } from '../../lib/capabilities/support';
import { targetCapability } from '../../lib/capabilities/targets';
import { SynthesisError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { toolSchemas } from '../../lib/model/tool-schema';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee, type ApigeeCompileOptions } from '../../providers/apigee/compile';
import { MCP_OAS_RESOURCE } from '../../providers/apigee/mcp';
import { apigeelint, openApiFileErrors, scratch } from '../validators';

const base = {
  name: 'shop',
  basePath: '/v1',
  stages: { dev: {}, prod: {} },
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  authorizers: { key: { type: 'apiKey' } },
  routes: [
    { id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none', description: 'Read one item.', validation: { requiredQuery: ['fields'], requiredHeaders: ['x-tenant'] }, mcp: { tool: 'get_item', title: 'Get item' } },
    { id: 'createItem', method: 'POST', path: '/items', backend: 'api', auth: 'none', validation: { bodySchema: { type: 'object', properties: { name: { type: 'string' }, size: { type: ['integer', 'null'] } }, required: ['name'] } }, mcp: { description: 'Create an item.' } },
    { id: 'listItems', method: 'GET', path: '/items', backend: 'api', auth: 'none' },
  ],
};
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'RouteRule' });
const parseXml = (text: string) => xml.parse(text);
const spec = (over: Record<string, unknown> = {}): GatewaySpec => toGatewaySpec({ ...base, ...over });
const options: ApigeeCompileOptions = { environmentType: 'COMPREHENSIVE', hostnames: { dev: 'dev.example.com', prod: 'api.example.com' } };
const problems = (s: GatewaySpec, o: ApigeeCompileOptions = options) => {
  const report = targetProblems(s, 'apigee', { apigeeEnvironmentType: o.environmentType, apigee: { hostnames: o.hostnames, organization: o.organization } }).map((p) => `${p.where}: ${p.message}`);
  let synth: string[] = [];
  try {
    compileApigee(s, o);
  } catch (e) {
    if (!(e instanceof SynthesisError)) throw e;
    synth = e.problems.map((p) => `${p.where}: ${p.message}`);
  }
  expect(synth).toEqual(report);
  return report;
};

describe('Apigee MCP Discovery Proxy', () => {
  const s = spec();
  const plan = compileApigee(s, options);

  it('one proxy per stage at basePath + mcp.path, each document at its stage\'s environment group host', () => {
    expect(plan.mcpProxies!.map((m) => [m.stage, m.proxyName, m.basePath, m.hostnames])).toEqual([
      ['dev', 'shop-mcp-dev', '/v1/mcp', ['dev.example.com']],
      ['prod', 'shop-mcp-prod', '/v1/mcp', ['api.example.com']],
    ]);
    const doc = parse(plan.mcpProxies![1].files[`resources/oas/${MCP_OAS_RESOURCE}`]);
    expect(doc.servers).toEqual([{ url: 'https://api.example.com/v1' }]);
    expect(plan.mcpProxies![0].files['targets/default.xml']).toContain('<URL>https://mcp.apigee.internal/mcp</URL>');
    expect(compileApigee(s, { ...options, organization: 'my-project' }).mcpProxies![0].files['targets/default.xml']).toContain('<URL>https://my-project.mcp.apigee.internal/mcp</URL>');
  });

  it('every tool is one operation saying what the model\'s tool schema says: name, description, each argument in its place', () => {
    const doc = parse(plan.mcpProxies![0].files[`resources/oas/${MCP_OAS_RESOURCE}`]);
    const ops = Object.entries<Record<string, any>>(doc.paths).flatMap(([p, m]) => Object.entries<any>(m).map(([method, op]) => ({ p, method, op })));
    const tools = s.routes.filter((r) => r.mcp);
    expect(ops.map((o) => o.op.operationId).sort()).toEqual(tools.map((r) => r.mcp!.tool).sort());
    for (const r of tools) {
      const { op, p, method } = ops.find((o) => o.op.operationId === r.mcp!.tool)!;
      expect([p, method.toUpperCase()]).toEqual([r.path, r.method]);
      expect(op.description).toBe(r.mcp!.description);
      const schemas = toolSchemas(r, s);
      const params = (op.parameters ?? []).map((x: any) => [x.in, x.name, x.required]);
      expect(params).toEqual(schemas.arguments.filter((a) => a.in !== 'body').map((a) => [a.in, a.name, a.required]));
      const body = schemas.arguments.find((a) => a.in === 'body');
      expect(Boolean(op.requestBody)).toBe(Boolean(body));
      if (body) expect(op.requestBody.required).toBe(body.required);
    }
    // The route that is no tool is not listed; the title is the summary; a type array is OpenAPI 3.0's nullable.
    expect(JSON.stringify(doc.paths)).not.toContain('listItems');
    expect(doc.paths['/items/{id}'].get.summary).toBe('Get item');
    // What is carried, and no more: the docs and the record say so (Apigee may show the summary as the description).
    expect(doc.paths['/items/{id}'].get.description).toBe('Read one item.');
    const body = targetCapability('apigee', 'mcp.tools', { apigeeEnvironmentType: 'COMPREHENSIVE' }).differences!.find((d) => d.aspect === 'body')!.observed;
    expect(body).toMatch(/title as the operation summary and its description as the operation description, and Apigee may show the summary as the tool's description/);
    const docs = readFileSync(path.join(__dirname, '../../docs/ai.md'), 'utf8').replace(/\s+/g, ' ');
    expect(docs).toContain('Apigee may show the title as the tool\'s description rather than as its title');
    expect(docs).not.toMatch(/title becomes the operation summary|shows as the tool title/);
    expect(doc.paths['/items'].post.requestBody.content['application/json'].schema.properties.size).toEqual({ type: 'integer', nullable: true });
  });

  // apigeelint runs on the golden case's bundle (test/golden/features: mcp.tools@apigee-comprehensive).
  it('the documents pass openapi-spec-validator', () => {
    const tmp = scratch('apigee-mcp');
    const files = plan.mcpProxies!.map((m) => {
      const f = path.join(tmp, `${m.proxyName}.yaml`);
      writeFileSync(f, m.files[`resources/oas/${MCP_OAS_RESOURCE}`]);
      return f;
    });
    expect(openApiFileErrors(files)).toBe('');
  });

  it('the spec\'s CORS policy runs in the request PreFlow, as in Google\'s template; a preflight goes to no target; apigeelint passes', () => {
    const withCors = compileApigee(spec({ stages: { prod: {} }, cors: { allowOrigins: ['https://app.example.com'], allowHeaders: ['content-type', 'mcp-session-id'], exposeHeaders: ['mcp-session-id'] } }), options);
    const files = withCors.mcpProxies![0].files;
    expect(files['policies/CORS-gateway.xml']).toBe(withCors.files['policies/CORS-gateway.xml']);
    expect(files['policies/CORS-gateway.xml']).toContain('<AllowOrigins>https://app.example.com</AllowOrigins>');
    const endpoint = parseXml(files['proxies/default.xml']);
    expect(endpoint.ProxyEndpoint.PreFlow.Request.Step).toEqual({ Name: 'CORS-gateway' });
    expect(endpoint.ProxyEndpoint.RouteRule.map((r: { '@_name': string; TargetEndpoint?: string }) => [r['@_name'], r.TargetEndpoint])).toEqual([['cors-preflight', undefined], ['default', 'default']]);
    expect(files['shop-mcp-prod.xml']).toContain('<Policy>CORS-gateway</Policy>');
    const dir = scratch('apigee-mcp-cors');
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, 'apiproxy', f)), { recursive: true });
      writeFileSync(path.join(dir, 'apiproxy', f), text);
    }
    expect(apigeelint(dir).filter((f) => f.severity === 'error')).toEqual([]);
    // No cors in the spec: no browser origin is let in, as on the REST proxy.
    expect(Object.keys(plan.mcpProxies![0].files).filter((f) => f.startsWith('policies/'))).toEqual([]);
  });

  it('each stage gets an Api from its own bundle and a deployment; the proxy\'s resources are the same as without tools', () => {
    const mcp = plan.resources.filter((r) => r.name.startsWith('mcp-'));
    expect(mcp.map((r) => [r.name, r.type.split(':').pop()])).toEqual([
      ['mcp-deploy-dev', 'EnvironmentApiRevisionDeployment'],
      ['mcp-deploy-prod', 'EnvironmentApiRevisionDeployment'],
      ['mcp-proxy-dev', 'Api'],
      ['mcp-proxy-prod', 'Api'],
    ]);
    expect(mcp.find((r) => r.name === 'mcp-proxy-dev')!.inputs).toMatchObject({ name: 'shop-mcp-dev', configBundle: { $ref: 'arg', name: 'mcpConfigBundle/dev' } });
    expect(mcp.find((r) => r.name === 'mcp-deploy-prod')!.inputs).toMatchObject({ environment: 'prod', api: { $ref: 'resource', name: 'mcp-proxy-prod', property: 'name' } });
    const plain = compileApigee(spec({ routes: base.routes.map(({ mcp: _m, ...r }) => r) }), options);
    expect(plan.resources.filter((r) => !r.name.startsWith('mcp-'))).toEqual(plain.resources);
    expect(plain.mcpProxies).toBeUndefined();
  });

  it('without an organization the target is the legacy host, and synthesis warns to pass the organization', () => {
    expect(plan.warnings).toContainEqual(expect.stringMatching(/^MCP Discovery Proxies shop-mcp-dev, shop-mcp-prod target https:\/\/mcp.apigee.internal\/mcp, which Google supports for backward compatibility only; pass organization/));
    expect(compileApigee(s, { ...options, organization: 'my-project' }).warnings.filter((w) => w.includes('mcp.apigee.internal'))).toEqual([]);
  });

  it('each MCP deployment carries the service account exactly when the proxy\'s deployment does', () => {
    const sa = { $ref: 'arg', name: 'serviceAccount' };
    const deploys = (p: typeof plan) => ['deploy-prod', 'mcp-deploy-prod'].map((n) => p.resources.find((r) => r.name === n)!.inputs.serviceAccount);
    expect(deploys(plan)).toEqual([sa, sa]);
    expect(deploys(compileApigee(spec({ observability: { accessLogs: false } }), options))).toEqual([undefined, undefined]);
  });

  it('a custom domain of the stage names the host when no hostname is given', () => {
    const withDomain = spec({ stages: { prod: {} }, domains: [{ name: 'shop.example.com', certificate: { apigee: 'google-managed' } }] });
    expect(compileApigee(withDomain, { environmentType: 'COMPREHENSIVE' }).mcpProxies![0].hostnames).toEqual(['shop.example.com']);
  });

  it('synth writes each MCP bundle as a zip of its own that unpacks beside the proxy\'s', async () => {
    const out = scratch('apigee-mcp-synth');
    const withDomain = spec({ stages: { prod: {} }, domains: [{ name: 'shop.example.com', certificate: { apigee: 'google-managed' } }] });
    const r = await synthApigee(withDomain, out, ['prod'], 'COMPREHENSIVE');
    const bundles = r.artifacts.filter((a) => a.kind === 'bundle').map((a) => a.path);
    expect(bundles).toHaveLength(2);
    expect(bundles[1]).toMatch(/^apigee\/mcp\/shop-mcp-prod\/shop-mcp-prod-[0-9a-f]{12}\.zip$/);
    const planJson = JSON.parse(readFileSync(path.join(out, 'apigee/plan.json'), 'utf8'));
    expect(planJson.mcpProxies).toEqual([{ stage: 'prod', proxyName: 'shop-mcp-prod', basePath: '/v1/mcp', hostnames: ['shop.example.com'] }]);
  });
});

describe('Apigee mcp.tools refusals (portability and synth alike)', () => {
  it('Base and Intermediate environments', () => {
    expect(problems(spec(), { ...options, environmentType: 'INTERMEDIATE' })).toEqual([
      'createItem: an MCP Discovery Proxy deploys to Comprehensive environments only; deploy to one: set environmentType: \'COMPREHENSIVE\' on the ApigeeGateway component (or compileApigee\'s options), and pass --apigee-env COMPREHENSIVE to anygate synth and portability; the Apigee environment itself must be of type COMPREHENSIVE (it is not a spec field)',
      'getItem: an MCP Discovery Proxy deploys to Comprehensive environments only; deploy to one: set environmentType: \'COMPREHENSIVE\' on the ApigeeGateway component (or compileApigee\'s options), and pass --apigee-env COMPREHENSIVE to anygate synth and portability; the Apigee environment itself must be of type COMPREHENSIVE (it is not a spec field)',
    ]);
  });

  it('a stage without a known host, a host that is not one, an organization that is not one', () => {
    expect(problems(spec(), { ...options, hostnames: { prod: 'https://api.example.com/v1' }, organization: 'My Org' })).toEqual([
      expect.stringMatching(/^gateway: Apigee's MCP server calls the tools at the OpenAPI document's servers.url, whose host must be the environment group host name of stage dev's environment: pass hostnames: \{ dev: '<host>' \}/),
      'gateway: hostnames.prod: "https://api.example.com/v1" is not a host name (letters, digits, hyphens and dots; give the host without https:// or a path)',
      expect.stringMatching(/^gateway: organization: "My Org" is not an Apigee organization name/),
    ]);
  });

  it('header arguments named Accept, Content-Type or Authorization, which OpenAPI 3.0 ignores (any case)', () => {
    const routes = [{ id: 'sneaky', method: 'GET', path: '/sneaky', backend: 'api', auth: 'none', description: 'x', validation: { requiredHeaders: ['authorization', 'content-type', 'x-tenant'] }, mcp: {} }];
    const found = problems(spec({ routes }));
    expect(found).toEqual([expect.stringMatching(/^sneaky: OpenAPI 3.0 ignores a header parameter named Accept, Content-Type or Authorization, so Apigee's MCP server would drop the tool arguments authorization, content-type \(.*\): remove authorization, content-type from validation.requiredHeaders, or drop mcp from the route$/)]);
    expect(problems(spec({ routes: [{ ...routes[0], validation: { requiredHeaders: ['ACCEPT'] } }] }))).toEqual([expect.stringMatching(/^sneaky: .* drop the tool argument \w+ /)]);
  });

  it('routes with auth, ANY, greedy paths, a parameter name used twice; routes under the MCP path; ipRules', () => {
    const routes = [
      { id: 'secret', method: 'GET', path: '/secret', backend: 'api', auth: ['key'], description: 'x', mcp: {} },
      { id: 'anything', method: 'ANY', path: '/any', backend: 'api', auth: 'none', description: 'x', mcp: {} },
      { id: 'files', method: 'GET', path: '/files/{key+}', backend: 'api', auth: 'none', description: 'x', mcp: {} },
      { id: 'twice', method: 'GET', path: '/twice/{id}', backend: 'api', auth: 'none', description: 'x', validation: { requiredQuery: ['id'] }, mcp: {} },
      { id: 'under', method: 'GET', path: '/mcp/status', backend: 'api', auth: 'none' },
    ];
    const found = problems(spec({ routes, ipRules: { allow: ['10.0.0.0/8'] } }));
    expect(found).toEqual(expect.arrayContaining([
      'secret: anygate adds no auth policy to the MCP Discovery Proxy, so the tool would bypass the route\'s auth: make the route public (auth: none) to expose it, or expose the tool from another target',
      'anything: a tool is one OpenAPI operation, which has one method: give the route a method',
      expect.stringMatching(/^files: an OpenAPI path parameter cannot hold a \/, and \/files\/\{key\+\} has a greedy/),
      'twice: Apigee names each tool argument after its OpenAPI parameter, and query parameter id shares its name with another parameter of the route: rename one of them',
      expect.stringMatching(/^gateway: the MCP Discovery Proxy's base path \/mcp \(under basePath\) takes every request below it, and routes under are there/),
      expect.stringMatching(/^gateway: the MCP Discovery Proxy is a proxy of its own, which the gateway's ipRules do not cover/),
    ]));
  });
});
