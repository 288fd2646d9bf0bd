import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gatewayJsonSchema } from '../../lib/model/json-schema';

describe('published JSON Schema', () => {
  it('schema/anygate.schema.json is generated from the validator schema (run npm run schema)', () => {
    const committed = readFileSync(path.join(__dirname, '..', '..', 'schema', 'anygate.schema.json'), 'utf8');
    expect(committed).toBe(gatewayJsonSchema());
  });

  it('carries the rules validation applies', () => {
    const schema = JSON.parse(gatewayJsonSchema());
    expect(schema.required).toEqual(['name']);
    expect(schema.additionalProperties).toBe(false);
    const route = schema.properties.routes.items;
    expect(route.properties.cache.properties.ttlSeconds.maximum).toBe(86400);
    expect(route.properties.method.enum).toContain('ANY');
    expect(schema.properties.name.pattern).toBe('^[A-Za-z](?:[A-Za-z0-9-]{0,46}[A-Za-z0-9])?$');
  });
});
