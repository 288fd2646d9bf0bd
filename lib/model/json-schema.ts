/**
 * The published JSON Schema (schema/anygate.schema.json), generated from the same zod schema the
 * validator uses, so editors autocomplete YAML specs with exactly the rules validation applies.
 */
import { z } from 'zod';
import { GatewaySchema } from './schema';

export const SCHEMA_ID = 'https://anygate.dev/schema/anygate.schema.json';

/** The JSON Schema of a gateway spec file, as a stable JSON string (2-space indent, final newline). */
export function gatewayJsonSchema(): string {
  const schema = z.toJSONSchema(GatewaySchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  const doc = { $id: SCHEMA_ID, title: 'anygate gateway spec', ...schema };
  return JSON.stringify(doc, null, 2) + '\n';
}
