/**
 * A real 465-operation document (PagerDuty, from the corpus) imported with the gateway-level MCP
 * form (`x-anygate: { mcp: { expose: all } }`): every route becomes a tool with a unique, valid
 * name of at most 64 characters, and every tool's input schema compiles.
 */
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { toGatewaySpec } from '../../lib/model/normalize';
import { TOOL_NAME_PATTERN } from '../../lib/model/mcp';
import { toolSchemas } from '../../lib/model/tool-schema';
import { importOpenApi } from '../../lib/openapi/import';
import { corpusDir, readCorpusDocument } from './corpus';

describe('a large imported document exposed as MCP tools', () => {
  it('pagerduty: one valid, unique tool per route, each input schema compiling', async () => {
    const file = 'pagerduty-2.0.0.json';
    const doc = readCorpusDocument(file);
    const { input } = await importOpenApi({ ...doc, 'x-anygate': { ...(doc['x-anygate'] as object), mcp: { expose: 'all' } } }, path.join(corpusDir, file));
    const spec = toGatewaySpec(input);
    const names = spec.routes.map((r) => r.mcp?.tool);
    expect(spec.routes.length).toBeGreaterThanOrEqual(300);
    expect(names.every((n) => n !== undefined && TOOL_NAME_PATTERN.test(n) && n.length <= 64)).toBe(true);
    expect(new Set(names.map((n) => n!.toLowerCase())).size).toBe(spec.routes.length);
    expect(spec.mcp).toMatchObject({ expose: 'all', path: '/mcp' });
    const ajv = new Ajv2020({ strict: false });
    for (const r of spec.routes) {
      const { input: schema, arguments: args } = toolSchemas(r, spec);
      expect(schema.type).toBe('object');
      expect(() => ajv.compile(schema)).not.toThrow();
      expect(args.filter((a) => a.in === 'path').length).toBe(r.segments.filter((s) => s.kind === 'param').length);
    }
  });
});
