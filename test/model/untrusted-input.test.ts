/**
 * Spec strings are untrusted input to every target's language: what a target would read as
 * something else (a URL query or placeholder, a header line break, a dot segment) is refused by the
 * model, located, with what to do instead. Reviewer repros: host.yaml, crlf.yaml, val/s.yaml r6.
 */
import { validateGateway } from '../../lib/model/normalize';
import { formatSpecPath } from '../../lib/model/errors';
import { baseSpec, errorsOf } from '../helpers';

type Spec = Record<string, any>;
const withSpec = (mutate: (s: Spec) => void): Spec => {
  const s = baseSpec();
  mutate(s);
  return s;
};
const errors = (mutate: (s: Spec) => void) => errorsOf(withSpec(mutate));

describe('backend URLs: only scheme, host, port and path reach the targets', () => {
  const at = (url: string) => errors((s) => (s.backends.api.url = url));

  it('a { or } (a request placeholder to API Gateway: the caller would pick the host) is refused', () => {
    expect(at('https://a{id}.example.com/p')).toEqual([expect.stringMatching(/^backends\.api\.url: must not contain \{ or \}: the targets read them as request placeholders.*rewritePath/)]);
    expect(at('https://a.example.com/{id}')).toEqual([expect.stringMatching(/^backends\.api\.url: must not contain \{ or \}/)]);
  });

  it('a query or fragment (the route path would be appended inside it) is refused, saying where query parameters go', () => {
    expect(at('https://b.example.com/p?x=1#frag')).toEqual([expect.stringMatching(/^backends\.api\.url: must not have a query .*transform\.request\.setQuery/)]);
    expect(at('https://b.example.com/p?')).toEqual([expect.stringMatching(/must not have a query/)]);
    expect(at('https://b.example.com/p#frag')).toEqual([expect.stringMatching(/^backends\.api\.url: must not have a fragment/)]);
  });

  it('credentials are refused without repeating them in the message', () => {
    const e = at('https://user:s3cret@c.example.com/p');
    expect(e).toEqual([expect.stringMatching(/^backends\.api\.url: must not hold credentials \(user:password@\).*function backend.*setHeaders.*\(got "https:\/\/\*\*\*@c\.example\.com\/p"\)$/)]);
    expect(e[0]).not.toMatch(/s3cret|user:s/);
  });

  it('characters outside RFC 3986, dot segments and encoded slashes in the path are refused; a non-DNS host is refused', () => {
    expect(at('https://a.example.com/a b')).toEqual([expect.stringMatching(/path has characters a URL cannot hold unescaped \(RFC 3986/)]);
    expect(at('https://a.example.com/a"b')).toEqual([expect.stringMatching(/path has characters a URL cannot hold unescaped/)]);
    expect(at('https://a.example.com/a\\b')).toEqual([expect.stringMatching(/path has characters a URL cannot hold unescaped/)]);
    expect(at('https://a.example.com/a/../b')).toEqual([expect.stringMatching(/path has a "\." or "\.\." segment/)]);
    expect(at('https://a.example.com/a%2Fb')).toEqual([expect.stringMatching(/encoded slash/)]);
    expect(at('https://a_b.example.com/p')).toEqual([expect.stringMatching(/host "a_b\.example\.com" is not a DNS name/)]);
  });

  it('is checked on every URL field: weighted targets, stage overrides, LLM backends', () => {
    expect(
      errors((s) => {
        delete s.backends.api.url;
        s.backends.api.targets = [{ url: 'https://a.example.com?x=1', weight: 1 }, { url: 'https://b.example.com', weight: 1 }];
      }),
    ).toEqual([expect.stringMatching(/^backends\.api\.targets\[0\]\.url: must not have a query/)]);
    expect(errors((s) => (s.stages = { dev: { backends: { api: { url: 'https://u:p@dev.example.com' } } } }))).toEqual([expect.stringMatching(/^stages\.dev\.backends\.api\.url: must not hold credentials/)]);
    expect(errors((s) => (s.backends.model = { type: 'llm', provider: 'openai-compatible', url: 'https://llm.example.com/v1#x', model: 'm' }))).toEqual([expect.stringMatching(/^backends\.model\.url: must not have a fragment/)]);
  });

  it('plain URLs pass: host, port, path, percent-escapes, IP literals, http on localhost', () => {
    for (const url of ['https://api.example.com', 'https://api.example.com:8443/v1/base', 'https://api.example.com/a%20b/c', 'https://[2001:db8::1]/x', 'https://203.0.113.7:444', 'http://127.0.0.1:8080', 'https://xn--bcher-kva.example/']) {
      expect([url, at(url)]).toEqual([url, []]);
    }
  });
});

describe('header names and values: RFC 9110 token and field-value', () => {
  const splitting = 'x\r\nSet-Cookie: sid=attacker; Path=/';

  it('a line break in a mock header value is refused (response splitting), at its path', () => {
    expect(errors((s) => (s.backends.canned.headers = { 'x-two': splitting }))).toEqual([expect.stringMatching(/^backends\.canned\.headers\["x-two"\]: a header value must not hold control characters \(found U\+000D, a line break, which would end the header/)]);
  });

  it('in transform setHeaders (request and response, route and defaults) and setQuery values', () => {
    expect(
      errors((s) => {
        s.routes[0].transform = { request: { setHeaders: { 'x-a': 'a\nb' }, setQuery: { q: 'a\rb' } }, response: { setHeaders: { 'x-b': 'a\u007Fb' } } };
        s.defaults = { transform: { response: { setHeaders: { 'x-c': 'c\r\n' } } } };
      }).sort(),
    ).toEqual([
      expect.stringMatching(/^defaults\.transform\.response\.setHeaders\["x-c"\]: a header value must not hold control characters \(found U\+000D/),
      expect.stringMatching(/^routes\[0\]\.transform\.request\.setHeaders\["x-a"\]: a header value must not hold control characters \(found U\+000A/),
      expect.stringMatching(/^routes\[0\]\.transform\.request\.setQuery\.q: a query value must not hold control characters/),
      expect.stringMatching(/^routes\[0\]\.transform\.response\.setHeaders\["x-b"\]: a header value must not hold control characters \(found U\+007F; RFC 9110 field-value\): remove it$/),
    ]);
  });

  it('stage variables (they reach headers through ${stage.*}) and header names that are no token', () => {
    expect(errors((s) => (s.stages = { prod: { variables: { v: 'a\nb' } } }))).toEqual([expect.stringMatching(/^stages\.prod\.variables\.v: a stage variable .* must not hold control characters/)]);
    expect(errors((s) => (s.backends.canned.headers = { 'x a': 'v' }))).toEqual([expect.stringMatching(/^backends\.canned\.headers\["x a"\]: is not a valid HTTP header name/)]);
    expect(errors((s) => (s.authorizers.jwt.header = 'X-Token\r\nX'))).toEqual(expect.arrayContaining([expect.stringMatching(/^authorizers\.jwt\.header: is not a valid HTTP header name/)]));
    expect(errors((s) => (s.cors = { allowOrigins: ['https://a.example.com'], allowHeaders: ['Content Type'] }))).toEqual([expect.stringMatching(/^cors\.allowHeaders\[0\]: is not a valid HTTP header name/)]);
  });

  it('tabs and spaces inside a value, and non-header text with line breaks (descriptions), pass', () => {
    expect(errors((s) => (s.backends.canned.headers = { 'x-a': 'a\tb c', 'x-b': ' ' }))).toEqual([]);
    expect(errors((s) => (s.routes[0].description = 'line one\nline two\r\n'))).toEqual([]);
  });
});

describe('route paths: no dot segments, no encoded slashes (route confusion), on every target', () => {
  it.each([
    ['/c/../d', /segment "\.\." is a dot segment/],
    ['/c/./d', /segment "\." is a dot segment/],
    ['/c/%2e%2E', /segment "%2e%2E" is a dot segment/],
    ['/c/a%2Fb', /segment "a%2Fb" holds an encoded slash or backslash/],
    ['/c/a%5cb', /segment "a%5cb" holds an encoded slash or backslash/],
    ['/c/{id}%2F', /segment "%2F" holds an encoded slash/],
  ])('%s is refused at routes[0].path', (path, m) => {
    expect(errors((s) => (s.routes[0].path = path))).toEqual([expect.stringMatching(new RegExp(`^routes\\[0\\]\\.path: ${m.source}`))]);
  });

  it('in basePath and rewritePath too; dots inside a segment pass', () => {
    expect(errors((s) => (s.basePath = '/v1/..'))).toEqual([expect.stringMatching(/^basePath: segment "\.\." is a dot segment/)]);
    expect(errors((s) => (s.routes[0].transform = { request: { rewritePath: '/a/%2f/{id}' } }))).toEqual([expect.stringMatching(/^routes\[0\]\.transform\.request\.rewritePath: segment "%2f" holds an encoded slash/)]);
    expect(errors((s) => (s.routes[0].path = '/c/a.b/.../v1.2/{id}'))).toEqual([]);
  });
});

describe('scopes are RFC 6749 scope-tokens', () => {
  it('a scope holding a space (two scopes to every token) is refused', () => {
    expect(errors((s) => (s.routes[0].scopes = ['items:read items:write']))).toEqual([expect.stringMatching(/^routes\[0\]\.scopes\[0\]: must be one scope \(RFC 6749 scope-token.*list each scope on its own/)]);
    expect(errors((s) => (s.routes[0].scopes = ['a"b']))).toEqual([expect.stringMatching(/^routes\[0\]\.scopes\[0\]: must be one scope/)]);
    expect(errors((s) => (s.routes[0].scopes = ['items:read', 'https://api.example.com/items.write', 'a!#$%&()*+,-./:;<=>?@[]^_`{|}~']))).toEqual([]);
  });
});

describe('optional auth with scopes: anonymous callers skip the scope check', () => {
  const warnings = (auth: unknown) => validateGateway(withSpec((s) => (s.routes[0].auth = auth))).warnings.map((w) => `${formatSpecPath(w.path)}: ${w.message} [${w.rule}]`);

  it('warns, with a rule id to silence it, and says what to do', () => {
    expect(warnings({ anyOf: ['jwt'], optional: true })).toEqual([expect.stringMatching(/^routes\[0\]\.scopes: the route's auth is optional, so an anonymous caller .* is let in without the scope check: \[items:read\].*drop optional: true.*ignoreWarnings: \[optional-auth-scopes\] \[optional-auth-scopes\]$/)]);
    expect(warnings(['jwt'])).toEqual([]);
    expect(validateGateway(withSpec((s) => {
      s.routes[0].auth = { anyOf: ['jwt'], optional: true };
      s.ignoreWarnings = ['optional-auth-scopes'];
    })).warnings).toEqual([]);
  });

  it('also when the optional auth comes from defaults', () => {
    const r = validateGateway(withSpec((s) => {
      s.defaults = { auth: { anyOf: ['jwt'], optional: true } };
      delete s.routes[0].auth;
    }));
    expect(r.warnings.map((w) => formatSpecPath(w.path))).toEqual(['routes[0].scopes']);
  });
});

describe('CIDRs are written in their network form', () => {
  it('host bits after the prefix are refused, naming the network form', () => {
    expect(errors((s) => (s.ipRules = { allow: ['10.0.0.1/24'] }))).toEqual(['ipRules.allow[0]: "10.0.0.1/24" has host bits set after its /24 prefix, which some targets refuse and others mask silently; write the network "10.0.0.0/24", or a /32 for the one address']);
    expect(errors((s) => (s.ipRules = { deny: ['2001:db8::1/32', '::ffff:198.51.100.7/120'] }))).toEqual([
      expect.stringMatching(/^ipRules\.deny\[0\]: .*write the network "2001:db8::\/32", or a \/128/),
      expect.stringMatching(/^ipRules\.deny\[1\]: .*write the network "::ffff:198\.51\.100\.0\/120"/),
    ]);
    expect(errors((s) => (s.ipRules = { allow: ['10.0.0.0/24', '10.0.0.1', '10.0.0.1/32', '0.0.0.0/0', '::/0', '2001:db8::/32'] }))).toEqual([]);
  });
});

describe('one bad version date is one error', () => {
  const versioned = (mutate: (s: Spec) => void) =>
    errors((s) => {
      s.versions = { scheme: 'path', list: [{ name: 'v1' }, { name: 'v2' }] };
      s.routes[0].versions = ['v1'];
      s.routes[1].versions = ['v2'];
      s.release = { canary: { version: 'v2', percent: 10 } };
      mutate(s);
    });

  it('an impossible date or an offset time gives its own error only, no follow-on errors about versions', () => {
    expect(versioned((s) => (s.versions.list[0].deprecated = '2026-02-30'))).toEqual([expect.stringMatching(/^versions\.list\[0\]\.deprecated: is not a real calendar date/)]);
    expect(versioned((s) => (s.versions.list[1].sunset = '2026-01-01T00:00:00+02:00'))).toEqual([
      expect.stringMatching(/^versions\.list\[1\]\.sunset: must be a date such as 2027-01-31 or a UTC time such as 2027-01-31T12:00:00Z .*2027-01-31T10:00:00Z/),
    ]);
  });

  it('routes that name versions when the spec declares none are still an error', () => {
    expect(errors((s) => (s.routes[0].versions = ['v1']))).toEqual([expect.stringMatching(/^routes\[0\]\.versions: names versions, but the spec declares none/)]);
  });
});
