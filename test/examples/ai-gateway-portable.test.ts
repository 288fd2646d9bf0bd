/**
 * examples/ai-gateway-portable: the AI example that synthesizes on AWS and Azure. Its header says
 * which targets synthesize it and which refuse it by record (and the compilers agree), and what
 * `anygate synth` writes for AWS and Azure passes cfn-lint and Microsoft's policy schemas.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { loadSpec } from '../../lib/load';
import type { GatewaySpec } from '../../lib/model/types';
import { synthesizesOn } from '../helpers';
import { cli } from '../cli/run';
import { apimPolicyErrors, cfnLintErrors, scratch } from '../validators';

const FILE = path.join(__dirname, '..', '..', 'examples', 'ai-gateway-portable', 'gateway.yaml');
let spec: GatewaySpec;
beforeAll(async () => {
  spec = (await loadSpec(FILE)).spec;
});

it('says which targets synthesize it, as the records and the compilers find: at least AWS and Azure', () => {
  const { ok, line } = synthesizesOn(spec);
  expect(ok).toEqual(expect.arrayContaining(['aws', 'azure']));
  expect(readFileSync(FILE, 'utf8').split('\n')).toContain(line);
});

it('uses what the AI docs promise: public MCP tools, a secret provider key, a token limit', () => {
  const tools = spec.routes.filter((r) => r.mcp);
  expect(tools.length).toBeGreaterThanOrEqual(2);
  for (const r of tools) expect(r.auth).toBe('none');
  const model = spec.backends.model;
  expect(model).toMatchObject({ type: 'llm', apiKey: { secretRef: expect.stringMatching(/^aws-secretsmanager:/) }, tokenLimit: { per: 'consumer' } });
});

it('anygate synth writes AWS and Azure artifacts that cfn-lint and the APIM policy schemas accept', async () => {
  const out = scratch('ai-portable');
  const r = await cli(['synth', FILE, '--target', 'aws,azure', '--out', out]);
  expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: expect.any(String) });
  const awsDir = path.join(out, 'aws');
  const template = readdirSync(awsDir).find((f) => f.endsWith('.template.json'))!;
  const json = JSON.parse(readFileSync(path.join(awsDir, template), 'utf8'));
  const types = Object.values(json.Resources as Record<string, { Type: string }>).map((x) => x.Type);
  expect(types).toEqual(expect.arrayContaining(['AWS::BedrockAgentCore::Gateway', 'AWS::Lambda::Function']));
  expect(cfnLintErrors(path.join(awsDir, template))).toEqual([]);
  const policies = path.join(out, 'azure', 'prod', 'policies');
  const files = readdirSync(policies).filter((f) => f.endsWith('.xml')).map((f) => path.join(policies, f));
  expect(files.length).toBeGreaterThan(0);
  expect(apimPolicyErrors(files)).toBe('');
});
