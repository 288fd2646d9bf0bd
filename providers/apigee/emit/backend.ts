/** Where a route goes: its target endpoint, or a mock response built from literal variables. */
import { payloadDelimiters } from '../../../lib/capabilities/targets/apigee';
import type { MockBackendSpec, RouteSpec } from '../../../lib/model/types';
import { headerName } from '../conditions';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import * as P from '../policies';
import type { Targets } from '../targets';

function mock(ctx: ApigeeContext, r: RouteSpec, b: MockBackendSpec): Fragment {
  const response = [];
  const names = Object.keys(b.headers).sort().map((h) => headerName(h, `backends.${r.backend}.headers`));
  // Header values are literals assigned to variables (AssignVariable/Value is never a template).
  const vars = names.map((h, i) => [h, `anygate.mock.${r.id}.${i}`, b.headers[h]] as const);
  if (vars.length) response.push(ctx.step(ctx.add(P.assignLiterals(`AM-mockvars-${r.id}`, vars.map(([, n, v]) => [n, v])))));
  const json = b.body === undefined ? undefined : JSON.stringify(b.body);
  // A body with no free delimiter pair is refused by lib/capabilities/targets/apigee.ts.
  const d = json === undefined ? undefined : payloadDelimiters(json);
  const payload = json !== undefined && d ? { payload: { json, ...d } } : {};
  response.push(ctx.step(ctx.add(P.assignMessage(`AM-mock-${r.id}`, 'response', { statusCode: b.statusCode, setHeaders: vars.map(([h, n]) => [h, `{${n}}`]), ...payload }, true))));
  return fragment([...targetStep(ctx, 'mock')], response);
}

/** The step naming the target a route goes to: the same for every route to it, so built once per target. */
const targetStep = (ctx: ApigeeContext, target: string) =>
  ctx.sharedSteps(`target\0${target}`, () => [ctx.step(ctx.add(P.assignLiterals(`AM-target-${target}`, [['anygate.target', target]])))]);

export function backendFragment(ctx: ApigeeContext, r: RouteSpec, targets: Targets): Fragment {
  const b = ctx.spec.backends[r.backend];
  if (b.type === 'mock') return mock(ctx, r, b);
  return fragment([...targetStep(ctx, targets.of(r).name)]);
}
