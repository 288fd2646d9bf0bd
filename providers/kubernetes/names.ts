/**
 * Object and rule names: DNS-1123 labels derived from spec names, stable (the same route always
 * gets the same name) and unique (a short hash of the original tells apart names that fold
 * together). They live with the records (lib/capabilities/targets/kubernetes-names.ts), which
 * decide name clashes before emission.
 */
export { dnsLabel, shortHash } from '../../lib/capabilities/targets/kubernetes-names';
