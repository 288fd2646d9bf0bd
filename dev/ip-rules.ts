/**
 * IP rules on the client address: the socket's peer, or the last (rightmost) X-Forwarded-For entry
 * when the gateway runs behind one trusted proxy (--trust-forwarded): that proxy appended the
 * address it saw connect; every entry left of it is the client's own text, which anyone can send.
 * Envoy's `numTrustedHops: 1` reads the same entry (it counts from the right), and the AWS, Azure
 * and Apigee gateways check the address that connected to them. Deny wins over allow, as on every target.
 *
 * Addresses and ranges are compared as ipaddr.js values, never as text: an IPv4-mapped client
 * (`::ffff:198.51.100.7`, also written `::ffff:c633:6407`) is the IPv4 client it maps, and an
 * IPv4-mapped range (`::ffff:192.0.2.0/120`) also holds the IPv4 clients it maps, as the clouds
 * see them. A client address that is not four plain decimal parts or valid IPv6 (`198.051.100.7`,
 * which parsers read as octal or decimal) matches nothing and is refused wherever rules exist.
 */
import * as ipaddr from 'ipaddr.js';
import { TextMemo } from '../lib/model/text-memo';
import type { IpRulesSpec } from '../lib/model/types';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** The client as one address: IPv4-mapped IPv6 unwrapped; undefined when not a plain address. */
export function parseClient(text: string): Addr | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text) || text.includes('%')) return undefined;
  const tail = /:(\d+(?:\.\d+)+)$/.exec(text)?.[1];
  if (tail && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

const rangeCache = new Map<string, readonly [Addr, number][]>();

/** The ranges a CIDR covers: an IPv4-mapped range with prefix >= 96 also as its IPv4 range. Parsed once per CIDR: the spec's rules are few and every request reads them. */
function ranges(cidr: string): readonly [Addr, number][] {
  let known = rangeCache.get(cidr);
  if (!known) rangeCache.set(cidr, (known = parseRanges(cidr)));
  return known;
}

function parseRanges(cidr: string): [Addr, number][] {
  const [addr, prefix] = ipaddr.parseCIDR(cidr.includes('/') ? cidr : `${cidr}/${ipaddr.parse(cidr).kind() === 'ipv4' ? 32 : 128}`);
  const out: [Addr, number][] = [[addr, prefix]];
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) out.push([(addr as ipaddr.IPv6).toIPv4Address(), prefix - 96]);
  return out;
}

function inCidr(ip: Addr, cidr: string): boolean {
  return ranges(cidr).some(([a, p]) => a.kind() === ip.kind() && ip.match([a, p] as [ipaddr.IPv4, number]));
}

/**
 * The client address text: IPv4-mapped IPv6 (`::ffff:1.2.3.4`, `::ffff:102:304`) unwrapped.
 * @param forwardedFor the X-Forwarded-For header (Node joins repeated ones with `, `): with
 *   `trustForwarded`, its rightmost entry, the one the trusted proxy in front of dev appended
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustForwarded: boolean): string {
  const raw = trustForwarded && forwardedFor ? forwardedFor.slice(forwardedFor.lastIndexOf(',') + 1).trim() : socketAddress ?? '';
  // The same client as the last request's (the usual case): no memo lookup, no reordering of it.
  if (raw === last.raw) return last.address;
  const address = clients.get(raw, (t) => {
    const a = parseClient(t);
    return a ? a.toString() : t;
  });
  last = { raw, address };
  return address;
}

/** The last client address text read, and what it gave. */
let last: { readonly raw: string; readonly address: string } = { raw: '', address: '' };

/**
 * Client address texts by the text received: a gateway sees the same few clients on every
 * request, and parsing one is most of the work. The text is the caller's (X-Forwarded-For), so
 * the memo is bounded by bytes and keeps no text longer than an address can be.
 */
const clients = new TextMemo<string>(64 * 1024, 64);

/** True when the rules let `ip` in. */
export function ipAllowed(rules: IpRulesSpec | undefined, ip: string): boolean {
  if (!rules || (!rules.allow.length && !rules.deny.length)) return true;
  const a = parseClient(ip);
  // Fail closed: an address no rule can be checked against is not let past a rule.
  if (!a) return false;
  if (rules.deny.some((c) => inCidr(a, c))) return false;
  return rules.allow.length === 0 || rules.allow.some((c) => inCidr(a, c));
}

/** `addr` plus `n` (within its family), from its bytes. */
function plus(addr: Addr, n: number): Addr | undefined {
  const bytes = addr.toByteArray();
  for (let i = bytes.length - 1; i >= 0 && n > 0; i--) {
    const sum = bytes[i] + n;
    bytes[i] = sum % 256;
    n = Math.floor(sum / 256);
  }
  return n > 0 ? undefined : (ipaddr.fromByteArray(bytes) as Addr);
}

/** The first addresses of a range: the network's first host, then the network address itself. */
function firstAddresses(cidr: string): Addr[] {
  const [[addr, prefix]] = ranges(cidr);
  const bytes = addr.toByteArray().map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & (0xff << (8 - keep)) & 0xff;
  });
  const network = ipaddr.fromByteArray(bytes) as Addr;
  const host = prefix < bytes.length * 8 - 1 ? plus(network, 1) : undefined;
  return [...(host ? [host] : []), network];
}

/**
 * An address the rules let in, to claim as the client's (X-Forwarded-For) where the caller's own
 * is refused: the first host of the first allow range (IPv4 ranges first) that no deny rule
 * covers. Undefined without rules that exclude anyone, or when no such address is found.
 */
export function allowedAddress(rules: IpRulesSpec | undefined): string | undefined {
  if (!rules?.allow.length) return undefined;
  const ordered = [...rules.allow.filter((c) => !c.includes(':')), ...rules.allow.filter((c) => c.includes(':'))];
  for (const cidr of ordered) for (const a of firstAddresses(cidr)) if (ipAllowed(rules, a.toString())) return a.toString();
  return undefined;
}

/** Documentation addresses (RFC 5737, RFC 3849) and a few others: where an address outside an allow list is looked for. */
const OUTSIDE_CANDIDATES = ['192.0.2.1', '198.51.100.1', '203.0.113.1', '100.64.0.1', '172.16.0.1', '8.8.8.8', '2001:db8::1'];

/** An address outside every `ipRules.allow` range (refused for that reason alone); undefined without an allow list. */
export function addressOutsideAllow(rules: IpRulesSpec | undefined): string | undefined {
  if (!rules?.allow.length) return undefined;
  return OUTSIDE_CANDIDATES.find((c) => {
    const a = parseClient(c)!;
    return !rules.allow.some((r) => inCidr(a, r)) && !rules.deny.some((r) => inCidr(a, r));
  });
}

/** Where `anygate dev`'s clients connect from: it listens on 127.0.0.1 only. */
export const DEV_CLIENT_ADDRESS = '127.0.0.1';
