/**
 * Flow order: Apigee runs the first conditional flow whose condition holds, so flows go in the
 * model's route precedence (lib/model/precedence.ts), the order dev and Kubernetes use too.
 */
import { precedenceOrder } from '../../lib/model/precedence';
import type { RouteSpec } from '../../lib/model/types';

export function flowOrder(routes: readonly RouteSpec[]): RouteSpec[] {
  return precedenceOrder(routes);
}
