/**
 * The one written form of an IP address or CIDR in a spec. Gateways and libraries disagree on
 * other spellings (`198.051.100.7` is octal to inet_aton and some proxies, decimal to others,
 * invalid to Node; `::ffff:c633:6407` is an IPv4 client to some and an IPv6 one to others), so a
 * rule written that way could match different clients per target. Validation therefore accepts
 * only the canonical text and says what to write instead:
 * - IPv4: four decimal parts without leading zeros (`198.51.100.7`);
 * - IPv6: RFC 5952 (lower case, no leading zeros in a group, the longest zero run compressed),
 *   with IPv4-mapped addresses in dotted form (`::ffff:198.51.100.0`, RFC 5952 section 5);
 * - prefix: decimal without leading zeros; no zone index (`%eth0`).
 */
import * as ipaddr from 'ipaddr.js';

/** The canonical text of one address already parsed by ipaddr.js. */
export function canonicalAddress(a: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (a.kind() === 'ipv4') return a.toString();
  const v6 = a as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return `::ffff:${v6.toIPv4Address().toString()}`;
  return v6.toRFC5952String();
}

/**
 * `value` (an address or CIDR) in canonical form, or undefined when it is not an address at all.
 * A value is well written when this returns the value itself.
 */
export function canonicalCidr(value: string): string | undefined {
  const [addr, prefix, ...rest] = value.split('/');
  if (rest.length || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return undefined;
  let a: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValid(addr)) {
    // ipaddr.js also reads octal, hex and short forms; name the decimal value they denote only
    // when every part is decimal (leading zeros), else there is no safe suggestion to make.
    const parts = addr.split('.');
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
    a = ipaddr.IPv4.parse(parts.map(Number).join('.'));
  } else if (ipaddr.IPv6.isValid(addr) && !addr.includes('%')) {
    a = ipaddr.IPv6.parse(addr);
    // Dotted tails hold four decimal parts too.
    const tail = /:(\d+(?:\.\d+)+)$/.exec(addr)?.[1];
    if (tail && !tail.split('.').every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
    if (tail) a = ipaddr.IPv6.parse(addr.slice(0, -tail.length) + tail.split('.').map(Number).join('.'));
  } else return undefined;
  const bits = a.kind() === 'ipv4' ? 32 : 128;
  if (prefix !== undefined && Number(prefix) > bits) return undefined;
  return canonicalAddress(a) + (prefix === undefined ? '' : `/${Number(prefix)}`);
}
