/**
 * Issue 30 (Apigee): ApigeeGateway.fromSpec writes the MCP tools' documents with the hosts and the
 * organization it is given (plain strings), and creates each stage's MCP Discovery Proxy from a zip
 * of its own, deployed to the stage's environment.
 */
import { existsSync } from 'node:fs';
import { toGatewaySpec } from '../../lib/model/normalize';
import { installMocks, recordRegisteredOutputs, settle, valueOf } from '../pulumi-mocks';
import { scratch } from '../validators';

const recorded = installMocks({ latestRevisionId: '2' });
recordRegisteredOutputs();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ApigeeGateway } = require('../../providers/apigee/gateway') as typeof import('../../providers/apigee/gateway');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AdmZip = require('adm-zip') as new (file: string) => { readAsText(entry: string): string };

const spec = toGatewaySpec({
  name: 'shop',
  basePath: '/v1',
  stages: { prod: {} },
  observability: { accessLogs: false },
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  routes: [{ id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none', description: 'Read one item.', mcp: { tool: 'get_item' } }],
});

describe('ApigeeGateway with MCP tools (Pulumi mocks)', () => {
  const bundleDir = scratch('apigee-mcp-pulumi');
  const gw = ApigeeGateway.fromSpec('shop', { gateway: spec, orgId: 'my-project', environmentType: 'COMPREHENSIVE', bundleDir, hostnames: { prod: 'https://api.example.com/' } });
  const byName = (n: string) => recorded.find((r) => r.name === n)!;

  beforeAll(async () => {
    await valueOf(gw.revision);
    await settle();
  });

  it('creates the stage\'s MCP Discovery Proxy from its own zip, naming the host and the organization given', () => {
    const api = byName('shop-mcp-proxy-prod');
    expect(api.inputs).toMatchObject({ orgId: 'my-project', name: 'shop-mcp-prod' });
    expect(api.inputs.configBundle.startsWith(bundleDir)).toBe(true);
    expect(existsSync(api.inputs.configBundle)).toBe(true);
    const zip = new AdmZip(api.inputs.configBundle);
    expect(zip.readAsText('apiproxy/targets/default.xml')).toContain('<URL>https://my-project.mcp.apigee.internal/mcp</URL>');
    expect(zip.readAsText('apiproxy/resources/oas/tools.yaml')).toContain('- url: https://api.example.com/v1');
    expect(byName('shop-mcp-deploy-prod').inputs).toEqual({ orgId: 'my-project', environment: 'prod', api: 'shop-mcp-prod', revision: 2, override: true });
  });
});
