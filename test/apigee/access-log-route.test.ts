/**
 * The access log's route fields on Apigee come from the flow that ran: every route flow's first
 * step is one shared policy (AM-log-route) copying `current.flow.name` and
 * `current.flow.description` (Apigee's documented variables), and the timing step of the shared
 * script writes routeId and pathTemplate from them. For every route of a generated gateway, with
 * versions and odd path characters, they come out as the JSON literals a per-route AssignMessage
 * held (conditions.ts jsonLiteral of the route's id and path); a request no route matched keeps
 * the PreFlow's nulls; no per-route log policy is left.
 */
import { runInNewContext } from 'node:vm';
import { XMLParser } from 'fast-xml-parser';
import { generateGateway } from '../../bench/gen-spec';
import { toGatewaySpec } from '../../lib/model/normalize';
import { flatSpec } from '../../lib/model/versions';
import { FLOW_DESCRIPTION_VAR, FLOW_NAME_VAR, routeDescription } from '../../providers/apigee/access-log';
import { compileApigee } from '../../providers/apigee/compile';
import { jsonLiteral } from '../../providers/apigee/conditions';
import { SCRIPT_SOURCE } from '../../providers/apigee/script';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

function gateway(mutate: (s: Record<string, any>) => void = () => {}) {
  const s = generateGateway(24) as Record<string, any>;
  s.routes.push(
    { id: 'odd', method: 'PATCH', path: "/it's/{id}.json", backend: 'api', auth: 'none' },
    { id: 'files', method: 'ANY', path: '/files/a*b/%20/{rest+}', backend: 'api', auth: 'none' },
    { id: 'opts', method: 'OPTIONS', path: '/', backend: 'api', auth: 'none' },
  );
  mutate(s);
  return toGatewaySpec(s as never);
}

/** What the timing step writes, given the variables the route step copied (none: no route flow ran). */
function timing(copied: Record<string, string>): Record<string, unknown> {
  const vars: Record<string, unknown> = { ...copied };
  runInNewContext(SCRIPT_SOURCE, { context: { getVariable: (n: string) => vars[n] ?? null, setVariable: (n: string, v: unknown) => (vars[n] = v) }, properties: { mode: 'timing' } });
  return vars;
}

describe('Apigee access log: the route fields from the flow that ran', () => {
  for (const [label, mutate] of [
    ['unversioned', () => {}],
    ['versioned by path', (s: Record<string, any>) => (s.versions = { scheme: 'path', list: [{ name: 'v1' }, { name: 'v2' }] })],
  ] as const) {
    it(`${label}: every route logs its own id and path template, as the per-route literals did`, () => {
      const spec = gateway(mutate);
      const plan = compileApigee(spec);
      const routes = new Map(flatSpec(spec).routes.map((r) => [r.id, r]));
      const copy = [xml.parse(plan.files['policies/AM-log-route.xml']).AssignMessage.AssignVariable].flat();
      const refs = Object.fromEntries(copy.map((v: any) => [v.Ref, v.Name]));
      expect(refs).toEqual({ 'current.flow.name': FLOW_NAME_VAR, 'current.flow.description': FLOW_DESCRIPTION_VAR });
      const flows = [xml.parse(plan.files['proxies/default.xml']).ProxyEndpoint.Flows.Flow].flat();
      const routeFlows = flows.filter((f: any) => routes.has(f['@name']));
      expect(routeFlows).toHaveLength(routes.size);
      for (const f of routeFlows) {
        const r = routes.get(f['@name'])!;
        expect([f.Request.Step].flat()[0].Name).toBe('AM-log-route');
        expect(f.Description).toBe(routeDescription(r));
        // As Apigee fills them: the running flow's name and <Description>.
        const out = timing({ [FLOW_NAME_VAR]: f['@name'], [FLOW_DESCRIPTION_VAR]: f.Description });
        expect([out['anygate.log.routeId'], out['anygate.log.pathTemplate']]).toEqual([jsonLiteral(r.id), jsonLiteral(r.path)]);
        expect(JSON.parse(out['anygate.log.pathTemplate'] as string)).toBe(r.path);
      }
      // The flows that are no route's run no log step: their requests keep the PreFlow's nulls.
      for (const f of flows.filter((x: any) => !routes.has(x['@name']))) expect(JSON.stringify(f.Request ?? '')).not.toContain('AM-log-route');
      const none = timing({});
      expect([none['anygate.log.routeId'], none['anygate.log.pathTemplate']]).toEqual([undefined, undefined]);
      expect(plan.files['policies/AM-log-init.xml']).toContain('<Name>anygate.log.pathTemplate</Name>');
      // One log policy per bundle for the routes, whatever their number.
      expect(Object.keys(plan.files).filter((f) => f.startsWith('policies/AM-log-'))).toEqual(['policies/AM-log-init.xml', 'policies/AM-log-route.xml']);
    });
  }

  it('access logs off: no route step and no log policy', () => {
    const plan = compileApigee(gateway((s) => (s.observability = { accessLogs: false })));
    expect(Object.keys(plan.files).filter((f) => f.includes('log'))).toEqual([]);
    expect(plan.files['proxies/default.xml']).not.toContain('AM-log-');
  });
});
