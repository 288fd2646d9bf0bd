/**
 * The gateway's own errors on Apigee (lib/model/error-contract.ts): the ProxyEndpoint's
 * DefaultFaultRule (AlwaysEnforce, so it also runs after anygate's RaiseFault policies) sets the
 * contract's status and body. Apigee names a fault by `fault.name` and its status by
 * `error.status.code`, copied into a variable first (each AssignMessage sets the status); the
 * steps run in order and each later match overrides the earlier one: the two status classes, then
 * each status the contract names, then a quota's refusal (429 like a spike arrest, told apart by
 * its fault name). Target responses never reach it: every
 * status is a success on the targets (targets.ts), so backend errors pass through.
 *
 * With `errors: native` the rule answers `{"error": <fault name>, "status": <status>}` as before.
 */
import { CODE_BY_STATUS, ERROR_CONTRACT, errorBodyTemplate, type ErrorCode } from '../../lib/model/error-contract';
import { accessLogTiming } from './access-log';
import { flowStep as step, type ApigeeContext } from './context';
import * as P from './policies';
import { el, shared, type XNode } from '../shared/xml';

/**
 * The fault's status as it was raised, copied first: each AssignMessage below sets the response's
 * status (error.status.code), so conditions on it would see the previous step's status.
 */
const STATUS = 'anygate.error.status';

/** `[code, condition]` in the order the steps run. */
function contractSteps(): [ErrorCode, string][] {
  const byCode = new Map<ErrorCode, number[]>();
  for (const [status, code] of CODE_BY_STATUS) byCode.set(code, [...(byCode.get(code) ?? []), status]);
  return [
    ['bad_request', `${STATUS} >= 400 and ${STATUS} < 500`],
    ['internal_error', `${STATUS} >= 500`],
    ...[...byCode].map(([code, statuses]): [ErrorCode, string] => [code, statuses.map((s) => `${STATUS} = ${s}`).join(' or ')]),
    ['quota_exceeded', 'fault.name = "QuotaViolation"'],
  ];
}

/**
 * The policies and the rule depend on the errors mode and on whether access logs are on, nothing
 * else: built once per process and marked shared, so toXml writes each one's text once (every
 * compile held the same dozen documents, most of a small spec's serializing: the adopt round trip
 * compiles thousands of 1-5 route specs).
 */
const NATIVE_POLICY = shared(P.assignMessage('AM-fault-json', 'response', { payload: { json: '{"error":"@fault.name#","status":"@response.status.code#"}', prefix: '@', suffix: '#' } }));
const STATUS_POLICY = shared(
  el(
    'AssignMessage',
    { name: 'AM-error-status', continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, 'AM-error-status'),
    el('AssignVariable', {}, el('Name', {}, STATUS), el('Ref', {}, 'error.status.code')),
    el('IgnoreUnresolvedVariables', {}, 'true'),
  ),
);
const CONTRACT_POLICIES: readonly { policy: XNode; condition: string }[] = contractSteps().map(([code, condition]) => ({
  policy: shared(P.assignMessage(`AM-error-${code.replace(/_/g, '-')}`, 'response', { payload: { json: errorBodyTemplate(code, '@messageid#'), prefix: '@', suffix: '#' }, statusCode: ERROR_CONTRACT[code].status })),
  condition,
}));
const rules = new Map<string, XNode>();

function rule(native: boolean, timing: readonly XNode[]): XNode {
  const key = `${native} ${timing.length}`;
  let r = rules.get(key);
  if (r === undefined) {
    r = native
      ? shared(el('DefaultFaultRule', { name: 'json-errors' }, step('AM-fault-json'), ...timing, el('AlwaysEnforce', {}, 'true')))
      : shared(el('DefaultFaultRule', { name: 'error-contract' }, step('AM-error-status'), ...CONTRACT_POLICIES.map((c) => step(c.policy.attrs!.name, c.condition)), ...timing, el('AlwaysEnforce', {}, 'true')));
    rules.set(key, r);
  }
  return r;
}

/** The ProxyEndpoint's DefaultFaultRule; adds the AssignMessage policies it runs to the bundle. */
export function defaultFaultRule(ctx: ApigeeContext): XNode {
  const timing = accessLogTiming(ctx);
  if (ctx.spec.errors === 'native') {
    ctx.add(NATIVE_POLICY);
    return rule(true, timing);
  }
  ctx.add(STATUS_POLICY);
  for (const c of CONTRACT_POLICIES) ctx.add(c.policy);
  return rule(false, timing);
}
