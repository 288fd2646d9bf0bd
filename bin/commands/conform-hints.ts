/**
 * What to change when generated conformance cases fail for a reason of the gateway's setup rather
 * than of the spec: a wall clock under tight rate limits, client addresses not taken from
 * X-Forwarded-For, tokens from an IdP the gateway does not trust.
 */
import type { CaseResult } from '../../dev/conform/run';

/** One line per setup problem the failed cases point at (none when every case passed). */
export function conformHints(results: readonly CaseResult[]): string[] {
  const failed = results.filter((r) => !r.pass);
  const hints: string[] = [];
  if (failed.some((r) => r.status === 429 || r.name.includes('over the rate limit'))) {
    hints.push(
      'hint: rate-limit windows were not full when a case ran. Against anygate dev, start it with --clock virtual: conform then moves its clock so each case starts with full windows. Against a deployed gateway (a wall clock), wait for the windows to refill between runs, or replay a vectors file without the rate-limit cases.',
    );
  }
  if (failed.some((r) => r.name.startsWith('denied IP'))) {
    hints.push('hint: the denied-IP case sends its address in X-Forwarded-For; start anygate dev with --trust-forwarded so it reads the client address from there.');
  }
  const tokenCase = /: (valid credentials|only .+|every alternative at once|cache fill|cached response reused|mock response)$/;
  if (failed.some((r) => r.status === 401 && tokenCase.test(r.name))) {
    hints.push('hint: a valid token or key was refused (401). Generated tokens are signed by the mock IdP: start anygate dev with --mock-idp (a deployed gateway must trust its keys, or replay your own vectors).');
  }
  return hints;
}
