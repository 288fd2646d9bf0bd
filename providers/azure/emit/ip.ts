/** ip-filter from CIDRs. An IPv4-mapped IPv6 range also filters the IPv4 clients it stands for. */
import { cidrRange } from '../../shared/cidr';
import { el, type XNode } from '../xml';

function addresses(cidr: string): XNode[] {
  const r = cidrRange(cidr);
  const one = (from: string, to: string) => (from === to ? el('address', {}, from) : el('address-range', { from, to }));
  return [...(r.ipv4 ? [one(r.ipv4.from, r.ipv4.to)] : []), one(r.from, r.to)];
}

export function ipFilter(action: 'allow' | 'forbid', cidrs: string[]): XNode {
  return el('ip-filter', { action }, ...cidrs.flatMap(addresses));
}
