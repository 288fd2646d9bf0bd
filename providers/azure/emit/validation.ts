/**
 * Request validation: required parameters (validate-parameters) and JSON bodies (validate-content).
 * With `validation.contract`, both check against the API's definition: the operation's parameters
 * and representations, whose schemas live in the API schema (providers/azure/contract.ts).
 */
import { contractChecks, isJsonMediaType } from '../../../lib/model/contract-validation';
import type { RouteSpec } from '../../../lib/model/types';
import { el, type XNode } from '../xml';
import type { EmitContext, Fragment } from './context';

const PARAMETERS = { 'specified-parameter-action': 'prevent', 'unspecified-parameter-action': 'ignore', 'errors-variable-name': 'anygate-parameter-errors' };
const CONTENT = { 'unspecified-content-type-action': 'prevent', 'max-size': 102400, 'size-exceeded-action': 'prevent', 'errors-variable-name': 'anygate-content-errors' };

export function emitValidation(route: RouteSpec, ctx: EmitContext): Fragment {
  const v = route.validation;
  if (!v) return {};
  const checks = contractChecks(ctx.spec.components, route);
  const jsonTypes = (checks?.body?.content ?? []).filter((m) => m.schema !== undefined && isJsonMediaType(m.type)).map((m) => m.type);
  const inbound: XNode[] = [];
  if (v.requiredQuery?.length || v.requiredHeaders?.length || checks?.parameters.length) inbound.push(el('validate-parameters', PARAMETERS));
  if (jsonTypes.length) {
    // No schema-id: validate-content reads the operation's representation, which names the schema.
    inbound.push(el('validate-content', CONTENT, ...jsonTypes.map((type) => el('content', { type, 'validate-as': 'json', action: 'prevent' }))));
  } else if (v.bodySchema) {
    inbound.push(el('validate-content', CONTENT, el('content', { type: 'application/json', 'validate-as': 'json', action: 'prevent' })));
  }
  return { inbound };
}
