/**
 * Conformance cases for `validation.contract`: a request the contract accepts passes (only where
 * the contract gives a sample for every required part: an example, a default, an enum, or a plain
 * type), a request without a required parameter and one with a body that is not an object are
 * refused with the error contract's 400 bad_request.
 */
import { resolveContractRef } from '../../lib/model/contract';
import { contractChecks, type ParameterCheck } from '../../lib/model/contract-validation';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import type { ConformVector } from './vectors';

type Obj = Record<string, unknown>;
type Base = ConformVector['request'];

/** A value the schema accepts, when one is plain to see; undefined otherwise. */
function sample(spec: GatewaySpec, schema: unknown, example?: unknown): unknown {
  if (example !== undefined) return example;
  let s: Obj;
  try {
    s = resolveContractRef<Obj>(spec.components, schema, 'schema');
  } catch {
    return undefined;
  }
  if (s === undefined || s === null || typeof s !== 'object') return s === undefined ? 'sample' : undefined;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const plain = Object.keys(s).every((k) => ['type', 'title', 'description', 'format'].includes(k)) && s.format === undefined;
  if (!plain) return undefined;
  return ({ string: 'sample', integer: 1, number: 1, boolean: true } as Record<string, unknown>)[String(s.type ?? 'string')];
}

function withParam(req: Base, p: ParameterCheck, value: unknown): Base {
  const text = String(value);
  if (p.in === 'query') return { ...req, query: { ...req.query, [p.name]: text } };
  if (p.in === 'header') return { ...req, headers: { ...req.headers, [p.name]: text } };
  if (p.in === 'cookie') return { ...req, headers: { ...req.headers, cookie: `${p.name}=${encodeURIComponent(text)}` } };
  return req;
}

/** The contract cases of `r`, on top of a request with its credentials (`base`). */
export function contractCases(spec: GatewaySpec, r: RouteSpec, base: Base, badRequest: ConformVector['expect']): ConformVector[] {
  const checks = contractChecks(spec.components, r);
  if (!checks) return [];
  const out: ConformVector[] = [];
  const json = checks.body?.content.find((m) => m.type.toLowerCase() === 'application/json');
  let valid: Base | undefined = base;
  for (const p of checks.parameters.filter((x) => x.required && x.in !== 'path')) {
    const v = sample(spec, p.schema);
    valid = v === undefined || !valid ? undefined : withParam(valid, p, v);
  }
  if (valid && checks.body?.required) {
    const mediaExample = json && (resolveContractRef<Obj>(spec.components, r.contract?.requestBody, 'requestBody').content as Record<string, Obj>)['application/json']?.example;
    const body = json ? sample(spec, json.schema, mediaExample) : undefined;
    valid = body !== undefined && body !== null && typeof body === 'object' ? { ...valid, headers: { ...valid.headers, 'content-type': 'application/json' }, body: body as Base['body'] } : undefined;
  }
  if (valid) out.push({ name: `${r.id}: a request the contract accepts`, route: r.id, advanceSeconds: 3600, request: valid, expect: { statusNot: [400, 415] } });
  const missing = checks.parameters.find((p) => p.required && p.in !== 'path');
  if (missing) out.push({ name: `${r.id}: without the required ${missing.in} parameter ${missing.name}`, route: r.id, advanceSeconds: 3600, request: base, expect: badRequest });
  let schema: Obj | undefined;
  try {
    schema = json?.schema !== undefined ? resolveContractRef<Obj>(spec.components, json.schema, 'schema') : undefined;
  } catch {
    schema = undefined;
  }
  if (schema && typeof schema === 'object' && schema.type === 'object') {
    const req = valid ?? base;
    out.push({ name: `${r.id}: a body that is not an object`, route: r.id, advanceSeconds: 3600, request: { ...req, headers: { ...req.headers, 'content-type': 'application/json' }, body: 'anygate-conform-not-an-object' }, expect: badRequest });
  }
  return out;
}
