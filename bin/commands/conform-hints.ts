/**
 * What to change when generated conformance cases fail for a reason of the gateway's setup rather
 * than of the spec: a wall clock under tight rate limits, client addresses not taken from
 * X-Forwarded-For, a caller's address the spec's ipRules refuse, tokens from an IdP the gateway
 * does not trust.
 */
import type { CaseResult, GatewayInfo } from '../../dev/conform/run';

/** What the hints may know of the run beside its results. */
export interface HintContext {
  /** The spec's ipRules as text (`allow ...; deny ...`), when it has some. @default - none */
  readonly ipRules?: string;
  /** The client address conform claimed in X-Forwarded-For. @default - none */
  readonly clientIp?: string;
  /** Whether the gateway is anygate dev and reads X-Forwarded-For. @default - unknown */
  readonly gateway?: GatewayInfo;
  /** --client-ip was given: the user says the gateway reads X-Forwarded-For. @default false */
  readonly forwardedTrusted?: boolean;
}

/** The cases that claim a client address of their own (generate.ts ipCases). */
const ipCase = (r: CaseResult) => r.name.startsWith('denied IP') || r.name.startsWith('IP outside ipRules.allow');

/** The hint for cases refused 403 by the spec's ipRules: where the gateway took the client address from, and what to change. */
function ipRulesHint(refused: number, ctx: HintContext): string | undefined {
  // anygate dev took the claimed address, which the rules allow: its 403s are not the rules'.
  if (ctx.gateway?.dev && ctx.gateway.trustForwarded) return undefined;
  const cases = `${refused} case${refused === 1 ? ' was' : 's were'} refused 403 and the spec has ipRules (${ctx.ipRules})`;
  const choose = ctx.clientIp ? `conform claims ${ctx.clientIp} in X-Forwarded-For (--client-ip chooses another)` : 'pass --client-ip with an address the rules allow';
  if (ctx.gateway?.dev) return `hint: ${cases}: anygate dev checks the address its clients connect from (127.0.0.1) unless started with --trust-forwarded. Restart it with --trust-forwarded; ${choose}.`;
  const claimed = ctx.forwardedTrusted && ctx.clientIp ? `, not the ${ctx.clientIp} claimed in X-Forwarded-For` : '';
  const orClaim = ctx.forwardedTrusted ? '' : ', or, if the gateway reads X-Forwarded-For, pass --client-ip with an address the rules allow';
  return `hint: ${cases}: a deployed gateway checks the address it sees this machine connect from${claimed}. Run conform from an address the rules allow${orClaim}. Against anygate dev, start it with --trust-forwarded.`;
}

/** One line per setup problem the cases point at: failed cases, and any answered 502/504 (a backend not reached). */
export function conformHints(results: readonly CaseResult[], ctx: HintContext = {}): string[] {
  const failed = results.filter((r) => !r.pass);
  const hints: string[] = [];
  // With ipRules, a 403 is the rules' before it is anything else: no other hint is drawn from it.
  const byIpRules = ctx.ipRules ? failed.filter((r) => r.status === 403 && !ipCase(r)) : [];
  const ipHint = byIpRules.length ? ipRulesHint(byIpRules.length, ctx) : undefined;
  if (ipHint) hints.push(ipHint);
  const other = ipHint ? failed.filter((r) => !byIpRules.includes(r)) : failed;
  if (other.some((r) => r.status === 429 || r.name.includes('over the rate limit'))) {
    hints.push(
      'hint: rate-limit windows were not full when a case ran. Against anygate dev, start it with --clock virtual: conform then moves its clock so each case starts with full windows. Against a deployed gateway (a wall clock), wait for the windows to refill between runs, or replay a vectors file without the rate-limit cases.',
    );
  }
  if (!ipHint && other.some(ipCase)) {
    hints.push('hint: the IP-rule cases send their address in X-Forwarded-For; start anygate dev with --trust-forwarded so it reads the client address from there.');
  }
  const tokenCase = /: (valid credentials|only .+|every alternative at once|cache fill|cached response reused|mock response)$/;
  if (other.some((r) => r.status === 401 && tokenCase.test(r.name))) {
    hints.push('hint: a valid token or key was refused (401). Generated tokens are signed by the mock IdP: start anygate dev with --mock-idp (a deployed gateway must trust its keys, or replay your own vectors).');
  }
  // 502 and 504 are the gateway's own answers when the backend is down: the cases about it cannot tell.
  const unreached = results.filter((r) => r.status === 502 || r.status === 504);
  if (unreached.length) {
    hints.push(`hint: ${unreached.length === 1 ? '1 case was' : `${unreached.length} cases were`} answered 502 or 504: the gateway could not reach a backend, so ${failed.some((r) => unreached.includes(r)) ? 'those cases' : 'what they check beyond auth and limits'} could not be checked. Start the backends, or point anygate dev at them with --backend NAME=URL.`);
  }
  return hints;
}
