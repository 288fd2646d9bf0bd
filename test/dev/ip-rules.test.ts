/**
 * IP rules compare addresses, not text, on every path (issue 28): IPv4-mapped clients and ranges,
 * the hex form of a mapped address, and spellings with leading zeros.
 */
import { clientAddress, ipAllowed } from '../../dev/ip-rules';
import { compileAws } from '../../providers/aws/compile';
import { toGatewaySpec } from '../../lib/model/normalize';
import { errorsOf } from '../helpers';
import { startDev } from '../../dev/server';
import { echoBackend, get, isolateDevHome } from './helpers';

isolateDevHome();
import { compileKubernetes } from '../../providers/kubernetes';

describe('dev IP rules', () => {
  it('an IPv4-mapped range denies the IPv4 clients it maps', () => {
    expect(ipAllowed({ allow: [], deny: ['::ffff:192.0.2.0/120'] }, '192.0.2.5')).toBe(false);
    expect(ipAllowed({ allow: [], deny: ['::ffff:192.0.2.0/120'] }, '192.0.3.5')).toBe(true);
    expect(ipAllowed({ allow: ['::ffff:192.0.2.0/120'], deny: [] }, '192.0.2.200')).toBe(true);
  });

  it('an IPv4-mapped client in hex or dotted form is the IPv4 client', () => {
    const rules = { allow: [], deny: ['198.51.100.0/24'] };
    for (const c of ['::ffff:c633:6407', '::FFFF:C633:6407', '::ffff:198.51.100.7', '0:0:0:0:0:ffff:c633:6407']) {
      expect([c, ipAllowed(rules, clientAddress(undefined, c, true))]).toEqual([c, false]);
      expect([c, ipAllowed(rules, c)]).toEqual([c, false]);
    }
    expect(clientAddress('::ffff:c633:6407', undefined, false)).toBe('198.51.100.7');
  });

  it('a client address that is not plain decimal or IPv6 passes no rule (fail closed)', () => {
    for (const c of ['198.051.100.7', '0xc6.51.100.7', '3325256711', '198.51.100', '::ffff:198.051.100.7', 'fe80::1%eth0', 'garbage', '']) {
      expect([c, ipAllowed({ allow: [], deny: ['198.51.100.0/24'] }, c)]).toEqual([c, false]);
    }
    expect(ipAllowed(undefined, 'garbage')).toBe(true);
    expect(ipAllowed({ allow: [], deny: [] }, 'garbage')).toBe(true);
  });
});

describe('dev --trust-forwarded reads the entry the trusted proxy appended', () => {
  it('a client cannot prepend an allowed address: the rightmost X-Forwarded-For entry decides', async () => {
    const backend = await echoBackend();
    const spec = toGatewaySpec({ name: 't', backends: { api: { type: 'http', url: backend.url } }, defaults: { backend: 'api', auth: 'none' }, ipRules: { allow: ['10.0.0.0/8'], deny: ['10.9.0.0/16'] }, routes: [{ method: 'GET', path: '/x' }] });
    const dev = await startDev({ spec, port: 0, publishAdminToken: false, profile: 'kubernetes', trustForwarded: true });
    try {
      const status = async (xff: string) => (await get(`${dev.url}/x`, { headers: { 'x-forwarded-for': xff } })).status;
      // What a proxy in front of dev forwards: the client's own header, then the address it saw.
      expect(await status('10.0.0.1, 192.0.2.1')).toBe(403);
      expect(await status('10.0.0.1, 10.9.0.1')).toBe(403);
      expect(await status('192.0.2.1, 10.0.0.1')).toBe(200);
      expect(await status('10.0.0.1')).toBe(200);
    } finally {
      await dev.close();
      await backend.close();
    }
  });
});

describe('spec IP literals', () => {
  const withRules = (deny: string[]) => ({ name: 't', backends: { api: { type: 'http', url: 'https://api.example.com' } }, defaults: { backend: 'api', auth: 'none' }, ipRules: { deny }, routes: [{ method: 'GET', path: '/x' }] });

  it.each([
    ['198.051.100.7', '198.51.100.7'],
    ['198.51.100.0/024', '198.51.100.0/24'],
    ['::ffff:c633:6400/120', '::ffff:198.51.100.0/120'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:0db8:0:0::/32', '2001:db8::/32'],
  ])('refuses %s at its path, naming %s', (written, canonical) => {
    const errors = errorsOf(withRules(['10.0.0.0/8', written]));
    expect(errors).toEqual([expect.stringContaining(`ipRules.deny[1]: ${JSON.stringify(written)} is a non-canonical spelling`)]);
    expect(errors[0]).toContain(`write ${JSON.stringify(canonical)}`);
  });

  it.each(['0xc6.51.100.7', '10.1', 'fe80::1%eth0'])('refuses %s, saying how to write an address', (written) => {
    const errors = errorsOf(withRules([written]));
    expect(errors).toEqual([expect.stringMatching(/^ipRules\.deny\[0\]: .*(write IPv4 as four decimal parts|is not an IPv4 or IPv6 CIDR)/)]);
  });

  it('accepts canonical forms', () => {
    expect(toGatewaySpec(withRules(['198.51.100.0/24', '2001:db8::/32', '::ffff:192.0.2.0/120', '::/0', '10.1.2.3'])).ipRules?.deny).toHaveLength(5);
  });
});

describe('emitted IP rules', () => {
  const spec = toGatewaySpec({ name: 't', backends: { api: { type: 'http', url: 'https://api.example.com' } }, defaults: { backend: 'api', auth: 'none' }, ipRules: { deny: ['::ffff:192.0.2.0/120', '198.51.100.0/24'] }, routes: [{ method: 'GET', path: '/x' }] });

  it('AWS lists the IPv4 range of an IPv4-mapped one in aws:SourceIp', () => {
    const text = JSON.stringify(compileAws(spec));
    expect(text).toContain('"aws:SourceIp":["198.51.100.0/24","::ffff:192.0.2.0/120","192.0.2.0/24"]');
  });

  it('Kubernetes lists it in clientCIDRs', () => {
    const text = JSON.stringify(compileKubernetes(spec));
    expect(text).toContain('"clientCIDRs":["198.51.100.0/24","::ffff:192.0.2.0/120","192.0.2.0/24"]');
  });
});
