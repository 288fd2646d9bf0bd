/** CIDR arithmetic for IP rules (IPv4 and IPv6). */

function ipToBig(ip: string): { v: bigint; bits: number } {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
    const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return { v: groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n), bits: 128 };
  }
  return { v: ip.split('.').reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n), bits: 32 };
}

function bigToIp(v: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

/** A CIDR (or bare address) as the first and last address of its range, and its prefix length. */
export function cidrRange(cidr: string): { from: string; to: string; prefix: number; bits: number } {
  const [ip, prefix] = cidr.split('/');
  const { v, bits } = ipToBig(ip);
  const p = prefix === undefined ? bits : Number(prefix);
  const hostBits = BigInt(bits - p);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << hostBits) - 1n);
  const from = v & mask;
  return { from: bigToIp(from, bits), to: bigToIp(from | ((1n << hostBits) - 1n), bits), prefix: p, bits };
}
