/**
 * IP rules on the client address: the socket's peer, or the first X-Forwarded-For entry when the
 * gateway runs behind a trusted proxy (--trust-forwarded). Deny wins over allow, as on every target.
 */
import { isIP } from 'node:net';
import { cidrRange } from '../../providers/shared/cidr';
import type { IpRulesSpec } from '../model/types';

function toBig(ip: string): { v: bigint; bits: number } | undefined {
  const fam = isIP(ip);
  if (fam === 4) return { v: ip.split('.').reduce((a, o) => (a << 8n) + BigInt(Number(o)), 0n), bits: 32 };
  if (fam !== 6) return undefined;
  const r = cidrRange(`${ip}/128`);
  return { v: r.from.split(':').reduce((a, g) => (a << 16n) + BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

function inCidr(ip: string, cidr: string): boolean {
  const addr = toBig(ip);
  const r = cidrRange(cidr);
  if (!addr || addr.bits !== r.bits) return false;
  const from = toBig(r.from)!.v;
  const to = toBig(r.to)!.v;
  return addr.v >= from && addr.v <= to;
}

/** The client address: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is unwrapped. */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustForwarded: boolean): string {
  const raw = trustForwarded && forwardedFor ? forwardedFor.split(',')[0].trim() : socketAddress ?? '';
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  return m ? m[1] : raw;
}

/** True when the rules let `ip` in. */
export function ipAllowed(rules: IpRulesSpec | undefined, ip: string): boolean {
  if (!rules) return true;
  if (rules.deny.some((c) => inCidr(ip, c))) return false;
  return rules.allow.length === 0 || rules.allow.some((c) => inCidr(ip, c));
}
