/**
 * `anygate token [spec] --authorizer NAME`: prints a token signed by the mock IdP of
 * `anygate dev --mock-idp` (same local keys), for curl and scripts.
 */
import { loadSpec } from '../../lib/load';
import { DevUsageError } from '../../dev/errors';
import { stateDir } from '../../dev/local-state';
import { mockToken, parseDuration } from '../../dev/mock-idp';

export interface TokenFlags {
  authorizer: string;
  scope?: string[];
  claim?: string[];
  expiresIn?: string;
  sub?: string;
}

function claimValue(v: string): unknown {
  // Numbers, booleans and JSON arrays/objects keep their type; anything else is a string.
  try {
    const parsed: unknown = JSON.parse(v);
    return typeof parsed === 'string' ? v : parsed;
  } catch {
    return v;
  }
}

export async function cmdToken(file: string, flags: TokenFlags, io: { out: (s: string) => void; err?: (s: string) => void }): Promise<number> {
  const { spec } = await loadSpec(file);
  const claims: Record<string, unknown> = {};
  for (const c of flags.claim ?? []) {
    const eq = c.indexOf('=');
    if (eq <= 0) throw new DevUsageError(`--claim ${JSON.stringify(c)}: write NAME=VALUE`);
    claims[c.slice(0, eq)] = claimValue(c.slice(eq + 1));
  }
  const token = mockToken(spec, {
    authorizer: flags.authorizer,
    scopes: (flags.scope ?? []).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean),
    claims,
    sub: flags.sub,
    expiresInSeconds: flags.expiresIn ? parseDuration(flags.expiresIn) : undefined,
  });
  io.out(token + '\n');
  // On stderr, so `$(anygate token ...)` still captures the token alone.
  io.err?.(`signed with the mock IdP key in ${stateDir()}\n`);
  return 0;
}
