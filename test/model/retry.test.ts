/** lib/model/retry.ts: defaults, canonical order, the route rules, and the whole request's bound. */
import { toGatewaySpec, type GatewayInput } from '../../lib/model';
import { SpecValidationError } from '../../lib/model/errors';
import { retryDeadlineMs, retryWaitMs, retriesNoAnswer, retriesStatus } from '../../lib/model/retry';

const spec = (route: Record<string, unknown>, backends: GatewayInput['backends'] = { api: { type: 'http', url: 'https://api.example.com' } }) =>
  toGatewaySpec({ name: 't', backends, routes: [{ method: 'GET', path: '/r', backend: 'api', auth: 'none', ...route }] } as GatewayInput);

const errors = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof SpecValidationError) return e.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw e;
  }
  return [];
};

describe('retry on a route', () => {
  it('fills the defaults: no answer and gateway errors, 25 ms back-off bound up to 250 ms', () => {
    expect(spec({ retry: { attempts: 2 } }).routes[0].retry).toEqual({ attempts: 2, on: ['connect-failure', 502, 503, 504], backoff: { baseMs: 25, maxMs: 250 } });
    expect(spec({}).routes[0].retry).toBeUndefined();
  });

  it('orders the conditions, drops repeats and the statuses 5xx covers', () => {
    const r = spec({ retry: { attempts: 1, on: [503, 429, '5xx', 429, 'connect-failure'], backoff: { baseMs: 100 } } }).routes[0].retry!;
    expect(r.on).toEqual(['connect-failure', '5xx', 429]);
    expect(r.backoff).toEqual({ baseMs: 100, maxMs: 1000 });
    expect([retriesStatus(r, 599), retriesStatus(r, 429), retriesStatus(r, 404), retriesNoAnswer(r)]).toEqual([true, true, false, true]);
  });

  it('refuses a non-idempotent method unless nonIdempotent, a backend that is not http, and maxMs under baseMs', () => {
    expect(errors(() => spec({ method: 'POST', retry: { attempts: 1 } }))).toEqual([
      'routes.0.retry: POST is not idempotent: a retried call may act twice; set retry.nonIdempotent: true if the backend deduplicates (an idempotency key), or remove retry',
    ]);
    expect(spec({ method: 'POST', retry: { attempts: 1, nonIdempotent: true } }).routes[0].retry?.nonIdempotent).toBe(true);
    expect(errors(() => spec({ retry: { attempts: 1 } }, { api: { type: 'mock' } }))).toEqual(['routes.0.retry: a mock backend is not retried by the gateway: retry applies to http backends; remove retry']);
    expect(errors(() => spec({ retry: { attempts: 1, backoff: { baseMs: 500, maxMs: 100 } } }))).toEqual(['routes.0.retry.backoff.maxMs: must not be under baseMs (500)']);
    expect(errors(() => spec({ retry: { attempts: 0 } })).length).toBe(1);
  });

  it('bounds the whole request by every try and the longest waits', () => {
    const r = spec({ timeoutMs: 1000, retry: { attempts: 3, backoff: { baseMs: 100, maxMs: 250 } } }).routes[0];
    // Envoy's back-off bound for retry n is (2^n - 1) x base: 100, 300, 700, each capped at 250.
    expect(retryDeadlineMs(r.timeoutMs, r.retry)).toBe(4 * 1000 + 100 + 250 + 250);
    const d = spec({ timeoutMs: 1000, retry: { attempts: 3 } }).routes[0].retry!;
    expect([1, 2, 3].map((n) => retryWaitMs(d, n))).toEqual([25, 75, 175]);
    expect(retryDeadlineMs(1000, undefined)).toBe(1000);
  });
});
