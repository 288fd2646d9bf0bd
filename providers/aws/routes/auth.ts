/** Route emitter: the OpenAPI security requirement and the identity-source parameters it reads. */
import type { RouteEmitter } from './fragment';

export const emitAuth: RouteEmitter = (route, ctx) => {
  const a = ctx.auth.routes.get(route.id);
  return {
    params: (a?.identityParams ?? []).map((p) => ({ ...p, required: false })),
    operation: a?.security ? { security: a.security } : {},
  };
};
