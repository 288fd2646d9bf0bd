/**
 * `anygate conform [spec] [vectors.yaml] --url URL`: replays conformance vectors (or the cases
 * generated from the spec for --profile) against a running gateway and prints a pass/fail table.
 * Exit code 1 when any case fails.
 */
import { readFileSync } from 'node:fs';
import { loadSpec } from '../../lib/load';
import { DevUsageError } from '../../dev/errors';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, gatewayInfo, runVectors, type GatewayInfo } from '../../dev/conform/run';
import { allowedAddress, ipAllowed, parseClient } from '../../dev/ip-rules';
import type { GatewaySpec } from '../../lib/model/types';
import { parseVectors } from '../../dev/conform/vectors';
import { runMcpChecks } from '../../dev/conform/mcp';
import { conformHints } from './conform-hints';
import { parseProfile } from './dev';
import { unknownStageMessage } from '../../lib/model/stages';
import { X509Certificate } from 'node:crypto';

export interface ConformFlags {
  url: string;
  profile?: string;
  stage?: string;
  json?: boolean;
  /** The MCP endpoint, when it is not the gateway's /mcp. */
  mcpUrl?: string;
  /** PEM client certificate (and its key) presented to a mutual TLS stage. @default - none */
  clientCert?: string;
  clientKey?: string;
  /** PEM CA bundle of the gateway's HTTPS certificate. @default - the system's CAs */
  ca?: string;
  /**
   * The client address to claim (X-Forwarded-For) on every case that names none; given, it also
   * says the gateway reads X-Forwarded-For, so the cases claiming other addresses run at a deployed gateway too.
   * @default - with ipRules.allow, the first address the rules allow (claimed at anygate dev only); else none
   */
  clientIp?: string;
  /**
   * Send the cases that spend an LLM backend's token budget to a gateway whose LLM is real (they
   * cost real tokens). @default false - only to anygate dev --mock-llm; skipped (and said so) elsewhere
   */
  spendTokens?: boolean;
}

/** `--client-ip`: an address, and one the spec's ipRules let in (else every case would answer 403). */
function checkClientIp(spec: GatewaySpec, ip: string): string {
  if (!parseClient(ip)) throw new DevUsageError(`--client-ip ${JSON.stringify(ip)}: write an IPv4 or IPv6 address, e.g. 203.0.113.7`);
  if (!ipAllowed(spec.ipRules, ip)) throw new DevUsageError(`--client-ip ${ip}: the spec's ipRules refuse it (${ipRulesText(spec)}); name an address they allow${allowedAddress(spec.ipRules) ? `, e.g. ${allowedAddress(spec.ipRules)}` : ''}`);
  return ip;
}

/** The spec's ipRules, as said in notes and hints. */
export function ipRulesText(spec: Pick<GatewaySpec, 'ipRules'>): string {
  const r = spec.ipRules;
  return [r?.allow.length ? `allow ${r.allow.join(', ')}` : '', r?.deny.length ? `deny ${r.deny.join(', ')}` : ''].filter(Boolean).join('; ');
}

/**
 * What conform cannot check at a gateway that is not anygate dev: it checks ipRules against the
 * address it sees the caller connect from, which conform cannot choose.
 */
function ipNotes(spec: GatewaySpec, url: string, gateway: GatewayInfo | undefined, forwardedTrusted: boolean): string[] {
  if (!ipRulesText(spec) || !gateway || gateway.dev || forwardedTrusted) return [];
  const depends = spec.ipRules!.allow.length
    ? `every case sent depends on that address being in ipRules.allow (${spec.ipRules!.allow.join(', ')}), and passes only when it is`
    : `every case sent depends on that address not being in ipRules.deny (${spec.ipRules!.deny.join(', ')})`;
  return [`note: ${url} is not anygate dev: it checks the spec's ipRules (${ipRulesText(spec)}) against the address it sees this machine connect from, which conform cannot choose. So ${depends}; the cases claiming another address in X-Forwarded-For are skipped (pass --client-ip ADDR if this gateway reads X-Forwarded-For).`];
}

/** The SHA-256 fingerprint of the first certificate in a PEM file. */
function certificateSha256(pem: Buffer, file: string): string {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch (e) {
    throw new DevUsageError(`--client-cert ${file}: not a PEM certificate (${(e as Error).message})`);
  }
}

function readPem(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new DevUsageError(`${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export async function cmdConform(file: string, vectorsFile: string | undefined, flags: ConformFlags, io: { out: (s: string) => void }): Promise<number> {
  const profile = parseProfile(flags.profile);
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new DevUsageError(`--url ${JSON.stringify(flags.url)} is not a URL; write e.g. http://127.0.0.1:8787`);
  }
  const { spec } = await loadSpec(file);
  const stages = Object.keys(spec.stages).sort();
  const stage = flags.stage ?? (spec.stages.dev ? 'dev' : stages[0]);
  if (!spec.stages[stage]) throw new DevUsageError(unknownStageMessage(stage, stages));
  if (Boolean(flags.clientCert) !== Boolean(flags.clientKey)) throw new DevUsageError('--client-cert and --client-key go together');
  if ((flags.clientCert || flags.ca) && url.protocol !== 'https:') throw new DevUsageError(`--client-cert and --ca apply to an https:// gateway; --url is ${url.protocol}//`);
  const tls = flags.clientCert || flags.ca ? { ...(flags.clientCert ? { cert: readPem('--client-cert', flags.clientCert), key: readPem('--client-key', flags.clientKey!) } : {}), ...(flags.ca ? { ca: readPem('--ca', flags.ca) } : {}) } : undefined;
  // A certificate consumer's certificate gets a case of its plan (dev/conform/mtls.ts).
  const clientCertSha256 = tls?.cert ? certificateSha256(tls.cert, flags.clientCert!) : undefined;
  const forwardedTrusted = flags.clientIp !== undefined;
  const clientIp = flags.clientIp !== undefined ? checkClientIp(spec, flags.clientIp) : allowedAddress(spec.ipRules);
  const vectors = vectorsFile ? parseVectors(readFileSync(vectorsFile, 'utf8'), vectorsFile) : generateVectors(spec, stage, profile, { clientCertSha256 });
  // Whether the gateway is anygate dev (and reads X-Forwarded-For) decides what a claimed address is worth.
  const gateway = ipRulesText(spec) || vectors.some((v) => v.request.clientIp) ? await gatewayInfo(url.toString(), { tls }) : undefined;
  const claims = forwardedTrusted || gateway?.dev !== false;
  const results = await runVectors(spec, vectors, { url: url.toString(), tls, clientIp, forwardedTrusted, spendTokens: flags.spendTokens === true, ...(gateway ? { gateway } : {}) });
  // The spec's MCP tools, when it has some: listed, valid, reachable, refused without credentials, token-limited.
  if (!vectorsFile) results.push(...(await runMcpChecks(spec, { url: url.toString(), mcpUrl: flags.mcpUrl, spendTokens: flags.spendTokens === true, ...(gateway ? { gateway } : {}), ...(claims && clientIp ? { clientIp } : {}) })));
  const hints = [...ipNotes(spec, url.toString(), gateway, forwardedTrusted), ...conformHints(results, { ipRules: ipRulesText(spec), clientIp: claims ? clientIp : undefined, gateway, forwardedTrusted })];
  io.out(flags.json ? JSON.stringify({ profile, results, hints }, null, 2) + '\n' : formatResults(results) + hints.map((h) => `${h}\n`).join(''));
  return results.every((r) => r.pass) ? 0 : 1;
}
