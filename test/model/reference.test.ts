import { readFileSync } from 'node:fs';
import { MODEL_DEFAULTS } from '../../lib/model/defaults';
import { gatewayJsonSchema } from '../../lib/model/json-schema';
import { toGatewaySpec } from '../../lib/model/normalize';
import { MODEL_DOC, withReference } from '../../lib/model/reference';

type Json = Record<string, any>;

function properties(s: Json, where: string, out: [string, Json][]): [string, Json][] {
  if (!s || typeof s !== 'object') return out;
  for (const [k, v] of Object.entries<Json>(s.properties ?? {})) {
    out.push([`${where}.${k}`, v]);
    properties(v, `${where}.${k}`, out);
  }
  if (s.items) properties(s.items, `${where}[]`, out);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') properties(s.additionalProperties, `${where}.*`, out);
  for (const alt of s.anyOf ?? s.oneOf ?? []) properties(alt, where, out);
  return out;
}

describe('the model in one place', () => {
  const schema = JSON.parse(gatewayJsonSchema()) as Json;

  it('gives every field of the JSON Schema a description (editor hover)', () => {
    const missing = properties(schema, '', []).filter(([, v]) => !v.description).map(([k]) => k);
    expect(missing).toEqual([]);
  });

  it('publishes the defaults normalization applies', () => {
    const p = schema.properties;
    expect(p.version.default).toBe(MODEL_DEFAULTS.version);
    expect(p.observability.properties.logRetentionDays.default).toBe(MODEL_DEFAULTS.logRetentionDays);
    const spec = toGatewaySpec({ name: 'd', backends: { b: { type: 'http', url: 'https://b.example.com' } }, authorizers: { j: { type: 'jwt', issuer: 'https://id.example.com', audiences: ['a'] } }, routes: [{ method: 'GET', path: '/', backend: 'b', auth: ['j'] }] });
    const jwt = p.authorizers.additionalProperties.oneOf.find((a: Json) => a.properties.type.const === 'jwt').properties;
    expect(spec.authorizers.j).toMatchObject({ algorithms: jwt.algorithms.default, scopeClaim: jwt.scopeClaim.default, clockSkewSeconds: jwt.clockSkewSeconds.default, resultTtlSeconds: jwt.resultTtlSeconds.default });
    expect(spec.routes[0].timeoutMs).toBe(p.backends.additionalProperties.oneOf[0].properties.timeoutMs.default);
    expect(Object.keys(spec.stages)).toEqual(Object.keys(p.stages.default));
    expect(spec.version).toBe(p.version.default);
  });

  it('docs/model.md carries the current generated field reference (npx tsx lib/model/reference.ts)', () => {
    const doc = readFileSync(MODEL_DOC, 'utf8');
    expect(withReference(doc)).toBe(doc);
    expect(doc).toMatch(/\| `ttlSeconds` \| integer 0\.\.86400 \| required \| How long a response stays cached, in seconds\. \|/);
  });
});
