/**
 * Header modifier values Envoy Gateway refuses (internal/gatewayapi/filters.go HeaderValueRegexp:
 * printable ASCII, single spaces or tabs between words) are refused at synthesis, naming the route,
 * the value and the stage whose variable made it; Gateway API's CRD would accept them, and the
 * gateway would then drop the filter.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';

const spec = (request: Record<string, string>, response: Record<string, string>, region = 'eu west') =>
  toGatewaySpec({
    name: 'shop',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    stages: { prod: { variables: { region } } },
    routes: [{ id: 'r', method: 'GET', path: '/r', backend: 'api', auth: 'none', transform: { request: { setHeaders: request }, response: { setHeaders: response } } }],
  });

const refusal = (s: ReturnType<typeof spec>) => {
  try {
    compileKubernetes(s);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
};

describe('kubernetes: header values Envoy Gateway accepts', () => {
  it('passes printable ASCII with single spaces, %, $ and braces, placeholders rendered', () => {
    expect(refusal(spec({ 'x-a': 'a b\tc 100% ${header.x-id}', 'x-r': 'at ${stage.region}' }, { 'x-b': '${header.x} {ok}' }))).toBe('');
  });

  it('refuses leading, trailing or doubled spaces and non-ASCII text, in request and response headers', () => {
    for (const [request, response, shown] of [
      [{ 'x-a': ' lead' }, {}, '" lead"'],
      [{}, { 'x-b': 'trail ' }, '"trail "'],
      [{}, { 'x-b': 'two  spaces' }, '"two  spaces"'],
      [{ 'x-a': 'café' }, {}, '"café"'],
      // A long value that fails at its end (a backtracking reading of Envoy Gateway's pattern never ends on it).
      [{}, { 'x-b': `${'a'.repeat(50)}é` }, JSON.stringify(`${'a'.repeat(50)}é`.slice(0, 60))],
    ] as const) {
      const m = refusal(spec(request, response));
      expect(m).toContain(`header value ${shown} is refused by Envoy Gateway`);
      expect(m).toMatch(/route r|routes\[id=r\]|\br\b/);
    }
  });

  it('counts the value as written: each % doubled for Envoy, against the CRD\'s 4,096', () => {
    expect(refusal(spec({}, { 'x-b': 'a'.repeat(4096) }))).toBe('');
    expect(refusal(spec({}, { 'x-b': `${'a'.repeat(4094)}%` }))).toBe('');
    expect(refusal(spec({}, { 'x-b': `${'a'.repeat(4095)}%` }))).toContain('is refused by Envoy Gateway');
  });

  it('renders a stage variable into a request header before checking, and names the stage', () => {
    expect(refusal(spec({ 'x-r': 'at ${stage.region}' }, {}, 'eu  west'))).toContain('header value "at ${stage.region}" is refused by Envoy Gateway with stage prod\'s variables filled in');
  });
});
