/** Request validation: required parameters (validate-parameters) and JSON bodies (validate-content). */
import type { RouteSpec } from '../../../lib/model/types';
import { el, type XNode } from '../xml';
import type { EmitContext, Fragment } from './context';

export function emitValidation(route: RouteSpec, _ctx: EmitContext): Fragment {
  const v = route.validation;
  if (!v) return {};
  const inbound: XNode[] = [];
  if (v.requiredQuery?.length || v.requiredHeaders?.length) {
    inbound.push(el('validate-parameters', { 'specified-parameter-action': 'prevent', 'unspecified-parameter-action': 'ignore', 'errors-variable-name': 'anygate-parameter-errors' }));
  }
  if (v.bodySchema) {
    inbound.push(
      el(
        'validate-content',
        { 'unspecified-content-type-action': 'prevent', 'max-size': 102400, 'size-exceeded-action': 'prevent', 'errors-variable-name': 'anygate-content-errors' },
        el('content', { type: 'application/json', 'validate-as': 'json', action: 'prevent' }),
      ),
    );
  }
  return { inbound };
}
