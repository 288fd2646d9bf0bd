/** Route emitter: a route's rate limit, as a per-method throttle in every stage. */
import type { RouteEmitter } from './fragment';

export const emitLimits: RouteEmitter = (route) =>
  route.rateLimit ? { settings: { throttle: { rateLimit: route.rateLimit.requestsPerSecond, burstLimit: route.rateLimit.burst! } } } : {};
