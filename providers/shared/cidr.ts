/**
 * CIDR arithmetic for IP rules (IPv4 and IPv6), on ipaddr.js: compressed forms (`2001:db8::/32`),
 * IPv4-mapped IPv6 (`::ffff:192.0.2.0/120`) and edge prefixes (/0, /32, /128) are parsed by the
 * library, never by hand.
 */
import * as ipaddr from 'ipaddr.js';

/** The first and last address of a range, and its prefix length. */
export interface CidrRange {
  /** First address: dotted IPv4, or IPv6 as eight uncompressed groups (`2001:db8:0:0:0:0:0:0`). */
  readonly from: string;
  readonly to: string;
  readonly prefix: number;
  /** 32 for IPv4, 128 for IPv6. */
  readonly bits: number;
  /**
   * For an IPv4-mapped IPv6 range whose prefix covers the mapping (>= 96): the same clients as an
   * IPv4 range, since gateways see such clients with their IPv4 address. @default - absent
   */
  readonly ipv4?: { readonly from: string; readonly to: string; readonly prefix: number };
}

function text(a: ipaddr.IPv4 | ipaddr.IPv6): string {
  return a.kind() === 'ipv4' ? a.toString() : (a as ipaddr.IPv6).toNormalizedString();
}

function bounds(addr: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): { from: ipaddr.IPv4 | ipaddr.IPv6; to: ipaddr.IPv4 | ipaddr.IPv6 } {
  const bytes = addr.toByteArray();
  const from = bytes.map((b, i) => b & maskByte(prefix, i));
  const to = bytes.map((b, i) => (b & maskByte(prefix, i)) | (~maskByte(prefix, i) & 0xff));
  return { from: ipaddr.fromByteArray(from), to: ipaddr.fromByteArray(to) };
}

/** The network mask's byte i for a prefix length. */
function maskByte(prefix: number, i: number): number {
  const bits = Math.max(0, Math.min(8, prefix - i * 8));
  return (0xff << (8 - bits)) & 0xff;
}

/**
 * A CIDR (or bare address) as its range. Throws on text that is not an address or whose prefix
 * is out of range (the model validates CIDRs first, so compilers never see one).
 */
export function cidrRange(cidr: string): CidrRange {
  const [ip, prefixText] = cidr.split('/');
  if (!ipaddr.isValid(ip)) throw new Error(`not an IP address: ${JSON.stringify(cidr)}`);
  const addr = ipaddr.parse(ip);
  const bits = addr.kind() === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    throw new Error(`prefix out of range in ${JSON.stringify(cidr)} (0..${bits})`);
  }
  const { from, to } = bounds(addr, prefix);
  const out: CidrRange = { from: text(from), to: text(to), prefix, bits };
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    const v4 = bounds((addr as ipaddr.IPv6).toIPv4Address(), prefix - 96);
    return { ...out, ipv4: { from: text(v4.from), to: text(v4.to), prefix: prefix - 96 } };
  }
  return out;
}

/**
 * The CIDRs a source-address condition lists for one spec CIDR: the CIDR itself, and for an
 * IPv4-mapped range (prefix >= 96) also its IPv4 range, since API Gateway's `aws:SourceIp` and
 * Envoy see such clients with their IPv4 address (issue 28: `::ffff:192.0.2.0/120` matched no
 * client). The spec's CIDRs are canonical (validation), so the text is used as written.
 */
export function sourceCidrs(cidr: string): string[] {
  const r = cidrRange(cidr);
  return r.ipv4 ? [cidr, `${r.ipv4.from}/${r.ipv4.prefix}`] : [cidr];
}
