/** Custom authorizers: a send-request to the bound function, then a check of its status. */
import { csString } from '../expressions';
import { el, type XNode } from '../xml';
import type { EmitContext } from './context';
import { refuseWhen } from './errors';

const AUTHZ_RESPONSE = 'anygate-authz';

/**
 * A custom authorizer: the bound function decides; anything but 200 is 401. The call carries the
 * function key from a secret named value, so the function need not be anonymous.
 */
export function customAuthorizer(name: string, header: string, binding: string, ctx: EmitContext): XNode[] {
  const s = ctx.strings;
  const h = s.header(header, 'gateway', 'auth.custom', `authorizer ${name}: header`);
  const url = ctx.names.functionUrl(s.plainName(binding, 'gateway', 'auth.custom', `authorizer ${name}: binding`));
  const key = ctx.names.functionKey(binding);
  ctx.namedValues.set(url, { kind: 'binding', binding, property: 'url' });
  ctx.namedValues.set(key, { kind: 'binding', binding, property: 'key' });
  const fail = '@(!context.Variables.ContainsKey("anygate-authz") || context.Variables["anygate-authz"] == null || ((IResponse)context.Variables["anygate-authz"]).StatusCode != 200)';
  return [
    el(
      'send-request',
      { mode: 'new', 'response-variable-name': AUTHZ_RESPONSE, timeout: 10, 'ignore-error': 'true' },
      el('set-url', {}, `{{${url}}}`),
      el('set-method', {}, 'POST'),
      el('set-header', { name: h, 'exists-action': 'override' }, el('value', {}, `@(context.Request.Headers.GetValueOrDefault(${csString(h)}, ""))`)),
      el('set-header', { name: 'x-functions-key', 'exists-action': 'override' }, el('value', {}, `{{${key}}}`)),
    ),
    refuseWhen(fail, 'unauthorized', ctx.spec),
  ];
}
