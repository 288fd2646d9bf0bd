/** Request validation: required query parameters and headers (RaiseFault 400), JSON bodies (threat protection, OASValidation). */
import { contractChecks, schemaClosure } from '../../../lib/model/contract-validation';
import { toDialect } from '../../../lib/model/schema-dialects';
import { formatPath, pathParams, pathShape } from '../../../lib/model/path';
import type { RouteSpec } from '../../../lib/model/types';
import type { XNode } from '../../shared/xml';
import { headerVar, queryVar, regexLiteral } from '../conditions';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import * as P from '../policies';
import { targetWarning } from '../../../lib/capabilities/warnings';

/** The spec OASValidation reads: the validated operations only. */
export const OAS_RESOURCE = 'anygate.json';
/** The whole contract, for Apigee's portal and API hub (compile.ts `contractFiles`). */
export const CONTRACT_RESOURCE = 'contract.json';

/** OpenAPI 3.0 for OASValidation: the contract's schemas converted (lib/model/schema-dialects.ts). */
const oas30 = (s: unknown) => toDialect(s, 'openapi-3.0').schema;

/**
 * The route's operations in the validation document: under the path the first route of its shape
 * put there (OpenAPI forbids `/items/{id}` beside `/items/{itemId}`, and OASValidation would look
 * the request up in only one of them), its path parameters renamed by position to that path's.
 */
function oasItem(ctx: ApigeeContext, r: RouteSpec): { item: Record<string, unknown>; pathName: (name: string) => string } {
  const shape = pathShape(r.segments);
  let first = ctx.oasPathOfShape.get(shape);
  if (!first) ctx.oasPathOfShape.set(shape, (first = r));
  const own = pathParams(r.segments);
  const theirs = pathParams(first.segments);
  const renames = new Map(own.map((n, i) => [n, theirs[i]!]));
  return { item: (ctx.oasPaths[formatPath(first.segments)] ??= {}), pathName: (n) => renames.get(n) ?? n };
}

/**
 * `validation.contract`: the route's operation (parameters and JSON body, OpenAPI 3.0) in the
 * bundle's spec resource, checked by one OASValidation; then a body of a media type the contract
 * does not declare is refused with 415 (OASValidation passes any body whose type is not
 * application/json unchecked). Parameters first, then the media type, then the body: the order
 * dev, API Gateway's validator and APIM's validate-parameters before validate-content answer in, so
 * a request missing a parameter is 400 on every target whatever its Content-Type.
 */
function contractSteps(ctx: ApigeeContext, r: RouteSpec): XNode[] {
  const checks = contractChecks(ctx.spec.components, r);
  if (!checks) return [];
  const steps: XNode[] = [];
  const { item, pathName } = oasItem(ctx, r);
  const parameters = checks.parameters.map((p) => ({ name: p.in === 'path' ? pathName(p.name) : p.name, in: p.in, required: p.required, ...(p.schema !== undefined ? { schema: oas30(p.schema) } : {}) }));
  const content = Object.fromEntries((checks.body?.content ?? []).map((m) => [m.type, m.schema !== undefined ? { schema: oas30(m.schema) } : {}]));
  const body = checks.body && Object.keys(content).length > 0;
  steps.push(ctx.step(ctx.add(P.oasValidation('OAS-contract', OAS_RESOURCE, Boolean(body)))));
  if (body) {
    // The records allow exact media types only (token characters). Media types are
    // case-insensitive (RFC 9110 8.3.1): one anchored JavaRegex without case, the type exactly or
    // followed by its parameters (a prefix alone would let application/jsonx through).
    const types = Object.keys(content).map(regexLiteral).join('|');
    steps.push(ctx.step(ctx.add(P.raiseFault('RF-unsupported-media-type', 415, 'Unsupported Media Type', 'Unsupported Media Type')), `(request.content != null) and !(request.header.Content-Type JavaRegex "(?i)^(${types})([ \\t]*;.*)?$")`));
  }
  item[r.method.toLowerCase()] = {
    operationId: r.id,
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: { required: checks.body!.required, content } } : {}),
    responses: { default: { description: 'any' } },
  };
  for (const n of schemaClosure(ctx.spec.components, [...checks.parameters.map((p) => p.schema), ...(checks.body?.content ?? []).map((m) => m.schema)])) ctx.oasSchemas[n] = oas30(ctx.spec.components!.schemas![n]);
  return steps;
}

export function validationFragment(ctx: ApigeeContext, r: RouteSpec): Fragment {
  const v = r.validation;
  if (!v) return fragment();
  const steps = [];
  const at = ctx.routePath(r);
  const conds = [
    ...(v.requiredQuery ?? []).map((q, i) => `${queryVar(q, `${at}.validation.requiredQuery[${i}]`)} = null`),
    ...(v.requiredHeaders ?? []).map((h, i) => `${headerVar(h, `${at}.validation.requiredHeaders[${i}]`)} = null`),
  ];
  if (conds.length) steps.push(ctx.step(ctx.add(P.raiseFault('RF-bad-request', 400, 'Bad Request', 'Bad Request: a required parameter is missing')), conds.map((c) => `(${c})`).join(' or ')));
  if (v.bodySchema) {
    steps.push(ctx.step(ctx.add(P.jsonThreatProtection('JTP-json-body')), 'request.content != null'));
    if (r.method === 'ANY') ctx.warnings.push(targetWarning('apigee-any-body-unchecked', `route ${r.id}: the body schema of an ANY route is not checked (OASValidation needs a method); JSON threat protection still runs`));
    else {
      steps.push(ctx.step(ctx.add(P.oasValidation('OAS-request', OAS_RESOURCE))));
      // Its path parameters declared (any string): an OpenAPI document must name each template's.
      const { item, pathName } = oasItem(ctx, r);
      const params = pathParams(r.segments).map((n) => ({ name: pathName(n), in: 'path', required: true, schema: { type: 'string' } }));
      item[r.method.toLowerCase()] = { operationId: r.id, ...(params.length ? { parameters: params } : {}), requestBody: { required: true, content: { 'application/json': { schema: v.bodySchema } } }, responses: { default: { description: 'any' } } };
    }
  }
  steps.push(...contractSteps(ctx, r));
  return fragment(steps);
}
