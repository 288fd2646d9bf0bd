/**
 * An address range (`from`-`to`, as API Management's ip-filter writes it) as the one CIDR block
 * it is, in the model's canonical text; undefined when the range is not exactly one block.
 */
import * as ipaddr from 'ipaddr.js';
import { canonicalCidr } from '../model/ip';

/** The CIDR that covers exactly `from`..`to`, or undefined. */
export function rangeToCidr(from: string, to: string): string | undefined {
  if (!ipaddr.isValid(from) || !ipaddr.isValid(to)) return undefined;
  const a = ipaddr.parse(from);
  const b = ipaddr.parse(to);
  if (a.kind() !== b.kind()) return undefined;
  const x = a.toByteArray();
  const y = b.toByteArray();
  const bits = x.length * 8;
  let prefix = 0;
  while (prefix < bits && ((x[prefix >> 3] >> (7 - (prefix & 7))) & 1) === ((y[prefix >> 3] >> (7 - (prefix & 7))) & 1)) prefix++;
  for (let i = prefix; i < bits; i++) {
    if (((x[i >> 3] >> (7 - (i & 7))) & 1) !== 0 || ((y[i >> 3] >> (7 - (i & 7))) & 1) !== 1) return undefined;
  }
  return canonicalCidr(`${from}/${prefix}`);
}
