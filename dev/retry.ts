/**
 * The route's retries in `anygate dev` (lib/model/retry.ts holds what they mean): a try that got
 * no answer (the proxy's BackendError: refused, reset, timed out) or answered a listed status is
 * tried again, up to `attempts` more times, after the longest wait the model allows before it
 * (no jitter, so a run is repeatable). The wait is injected: tests pass one that does not sleep.
 */
import { retriesNoAnswer, retriesStatus, retryWaitMs, type RetrySpec } from '../lib/model/retry';
import { BackendError } from './proxy';

export type Wait = (ms: number) => Promise<void>;

export const sleep: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `call` once, then again while the retry allows; the last answer or error is the result.
 * `noAnswer` false: a try with no answer is never retried (API Management goes to on-error).
 * @default noAnswer true
 */
export async function withRetries<T extends { readonly status: number }>(r: RetrySpec | undefined, call: () => Promise<T>, wait: Wait = sleep, noAnswer = true): Promise<T> {
  for (let n = 1; ; n++) {
    const last = !r || n > r.attempts;
    let answer: T;
    try {
      answer = await call();
    } catch (e) {
      if (last || !noAnswer || !(e instanceof BackendError) || !retriesNoAnswer(r)) throw e;
      await wait(retryWaitMs(r, n));
      continue;
    }
    if (last || !retriesStatus(r, answer.status)) return answer;
    await wait(retryWaitMs(r, n));
  }
}
