/** Request validation: required query parameters and headers (RaiseFault 400), JSON bodies (threat protection, OASValidation). */
import type { RouteSpec } from '../../../lib/model/types';
import { headerVar, queryVar } from '../conditions';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import * as P from '../policies';

export const OAS_RESOURCE = 'anygate.json';

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
    if (r.method === 'ANY') ctx.warnings.push(`route ${r.id}: the body schema of an ANY route is not checked (OASValidation needs a method); JSON threat protection still runs`);
    else {
      steps.push(ctx.step(ctx.add(P.oasValidation('OAS-request', OAS_RESOURCE))));
      (ctx.oasPaths[r.path] ??= {})[r.method.toLowerCase()] = { operationId: r.id, requestBody: { required: true, content: { 'application/json': { schema: v.bodySchema } } }, responses: { default: { description: 'any' } } };
    }
  }
  return fragment(steps);
}
