/**
 * Route emitter: transforms. Header and query transforms that parameter mapping can express stay
 * on the integration (backend.ts); everything else (bodies, removals, response changes, redaction)
 * sends the route through the generated transform function, whose per-route config this returns.
 */
import type { RouteSpec } from '../../../lib/model/types';
import type { TransformRoute } from '../../../lib/runtime/config';
import { backendBase, needsTransformFunction } from '../integration';
import { functionStageVariable, lambdaUri, TRANSFORM_STAGE_VARIABLE } from '../plan';
import type { RouteEmitter } from './fragment';
import { backendPathTemplate } from '../../../lib/model/rewrite';

/** Returns an empty fragment when the route needs no transform function. */
/**
 * The route's request and response transforms as the generated transform function reads them
 * (header names lower-cased). `anygate dev` runs the same function with the same steps.
 */
export function transformSteps(route: RouteSpec): Pick<TransformRoute, 'request' | 'response'> {
  const req = route.transform?.request;
  const res = route.transform?.response;
  return {
    request: {
      setHeaders: req?.setHeaders ?? {},
      removeHeaders: (req?.removeHeaders ?? []).map((h) => h.toLowerCase()),
      setQuery: req?.setQuery ?? {},
      removeQuery: req?.removeQuery ?? [],
      ...(req?.body !== undefined ? { body: req.body } : {}),
    },
    response: { setHeaders: res?.setHeaders ?? {}, removeHeaders: (res?.removeHeaders ?? []).map((h) => h.toLowerCase()), redact: res?.redact ?? [] },
  };
}

export const emitTransform: RouteEmitter = (route, ctx) => {
  if (!needsTransformFunction(route, ctx.resource.rename)) return {};
  const backend = ctx.spec.backends[route.backend];
  if (backend.type === 'mock') return {};
  let target: TransformRoute['target'];
  const bindings: string[] = [];
  if (backend.type === 'function') {
    target = { type: 'function', stageVariable: functionStageVariable(backend.binding) };
    bindings.push(backend.binding);
  } else {
    const b = backendBase(ctx.spec, route.backend);
    target = b ? { type: 'http', url: b.url.replace(/\/+$/, ''), ...(b.stageVariable ? { stageVariable: b.stageVariable } : {}) } : { type: 'http', url: '' };
  }
  return {
    integration: { type: 'aws_proxy', httpMethod: 'POST', uri: lambdaUri(TRANSFORM_STAGE_VARIABLE), passthroughBehavior: 'when_no_match', timeoutInMillis: route.timeoutMs },
    bindings,
    transform: {
      method: route.method,
      resource: ctx.resource.path,
      target,
      rename: ctx.resource.rename,
      backendPath: backendPathTemplate(route),
      timeoutMs: Math.max(1, route.timeoutMs - 500),
      ...transformSteps(route),
      ...(ctx.cors ? { cors: ctx.cors } : {}),
    },
  };
};
