/**
 * `anygate conform [spec] [vectors.yaml] --url URL`: replays conformance vectors (or the cases
 * generated from the spec for --profile) against a running gateway and prints a pass/fail table.
 * Exit code 1 when any case fails.
 */
import { readFileSync } from 'node:fs';
import { loadSpec } from '../../lib/load';
import { DevUsageError } from '../../dev/errors';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, runVectors } from '../../dev/conform/run';
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
  const vectors = vectorsFile ? parseVectors(readFileSync(vectorsFile, 'utf8'), vectorsFile) : generateVectors(spec, stage, profile, { clientCertSha256 });
  const results = await runVectors(spec, vectors, { url: url.toString(), tls });
  // The spec's MCP tools, when it has some: listed, valid, reachable, refused without credentials, token-limited.
  if (!vectorsFile) results.push(...(await runMcpChecks(spec, { url: url.toString(), mcpUrl: flags.mcpUrl })));
  const hints = conformHints(results);
  io.out(flags.json ? JSON.stringify({ profile, results, hints }, null, 2) + '\n' : formatResults(results) + hints.map((h) => `${h}\n`).join(''));
  return results.every((r) => r.pass) ? 0 : 1;
}
