/**
 * Policies that keep no state (ExtractVariables, AssignMessage, JavaScript) are written once per
 * distinct configuration and shared by every route that needs that one (ApigeeContext.addStateless):
 * named after the first route in precedence order, whatever the spec's route order; never shared
 * when anything in them differs; and policies that count or cache (SpikeArrest, ResponseCache) stay
 * one per route. The bundle still passes apigeelint, and its zip's size is still measured exactly.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { bundleBytes, bundleZip, writeBundleDir } from '../../providers/apigee/bundle';
import { compileApigee } from '../../providers/apigee/compile';
import { apigeelint, scratch } from '../validators';

const route = (id: string, method: string, path: string, extra: Record<string, unknown> = {}) => ({ id, method, path, ...extra });
const item = { request: { setHeaders: { 'x-item': '${path.id}' } }, response: { redact: ['secret'] } };

function spec(routes: Record<string, unknown>[]) {
  return toGatewaySpec({
    name: 'shop',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    defaults: { backend: 'api', auth: 'none' },
    routes,
  } as never);
}

const routes = [
  route('getItem', 'GET', '/items/{id}', { transform: item, rateLimit: { requestsPerSecond: 5 }, cache: { ttlSeconds: 30 } }),
  route('putItem', 'PUT', '/items/{id}', { transform: item, rateLimit: { requestsPerSecond: 5 } }),
  route('deleteItem', 'DELETE', '/items/{id}', { transform: { request: { setHeaders: { 'x-item': '${path.id}', 'x-mode': 'delete' } } } }),
  route('getOrder', 'GET', '/orders/{id}', { transform: { request: { setHeaders: { 'x-item': '${path.id}' } } } }),
  route('listItems', 'GET', '/items', { transform: { response: { redact: ['other'] } }, cache: { ttlSeconds: 30 } }),
];

const stepsOf = (proxy: string, flow: string): string[] => {
  const body = new RegExp(`<Flow name="${flow}">([\\s\\S]*?)</Flow>`).exec(proxy)![1]!;
  return [...body.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]!);
};

describe('Apigee policies without state, shared by routes', () => {
  const plan = compileApigee(spec(routes));
  const proxy = plan.files['proxies/default.xml'];
  const policies = Object.keys(plan.files).filter((f) => f.startsWith('policies/')).map((f) => f.slice('policies/'.length, -'.xml'.length));

  it('the same configuration is one policy, stepped to from each route that needs it', () => {
    // /items/{id}: one path extraction for GET, PUT and DELETE; the same header edit and redaction for GET and PUT.
    const shared = { path: stepsOf(proxy, 'getItem').find((n) => n.startsWith('EV-path-'))!, edit: stepsOf(proxy, 'getItem').find((n) => n.startsWith('AM-req-'))!, redact: stepsOf(proxy, 'getItem').find((n) => n.startsWith('JS-redact-'))! };
    for (const id of ['putItem', 'deleteItem']) expect(stepsOf(proxy, id)).toContain(shared.path);
    expect(stepsOf(proxy, 'putItem')).toEqual(expect.arrayContaining([shared.edit, shared.redact]));
    expect(policies.filter((p) => p.startsWith('EV-path-'))).toHaveLength(2); // /items/{id} and /orders/{id}
    expect(plan.files[`policies/${shared.path}.xml`]).toContain('<Pattern ignoreCase="false">/items/{id}</Pattern>');
    // A policy of another route names that route in its own name and display name, and says the same thing.
    expect(plan.files[`policies/${shared.path}.xml`]).toContain(`<DisplayName>${shared.path}</DisplayName>`);
  });

  it('anything that differs is a policy of its own: another header set, another pattern, another redaction', () => {
    const edit = (id: string) => stepsOf(proxy, id).find((n) => n.startsWith('AM-req-'))!;
    expect(edit('deleteItem')).not.toBe(edit('getItem'));
    expect(plan.files[`policies/${edit('deleteItem')}.xml`]).toContain('x-mode');
    // The same header edit on another path: the edit is shared, the path extraction is not.
    expect(edit('getOrder')).toBe(edit('getItem'));
    expect(stepsOf(proxy, 'getOrder').find((n) => n.startsWith('EV-path-'))).not.toBe(stepsOf(proxy, 'getItem').find((n) => n.startsWith('EV-path-')));
    const redact = (id: string) => stepsOf(proxy, id).find((n) => n.startsWith('JS-redact-'))!;
    expect(redact('listItems')).not.toBe(redact('getItem'));
    expect(plan.files[`policies/${redact('listItems')}.xml`]).toContain('["other"]');
  });

  it('policies that count or cache stay one per route', () => {
    expect(policies).toEqual(expect.arrayContaining(['SA-getItem', 'SA-putItem', 'RC-getItem', 'RC-listItems']));
    expect(stepsOf(proxy, 'putItem')).toContain('SA-putItem');
  });

  it('names do not depend on the spec\'s route order', () => {
    const reversed = compileApigee(spec([...routes].reverse()));
    expect(reversed.files).toEqual(plan.files);
  });

  it('the bundle passes apigeelint, and its zip is as long as bundleBytes says', async () => {
    const dir = scratch('apigee-stateless');
    writeBundleDir(plan, dir);
    expect(apigeelint(dir).filter((f) => f.severity === 'error')).toEqual([]);
    expect((await bundleZip(plan)).length).toBe(bundleBytes(plan.files));
  });
});
