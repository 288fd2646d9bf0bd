/**
 * `anygate dev [spec]`: runs the gateway on 127.0.0.1 until interrupted. The first line of output
 * is always `anygate dev listening on http://127.0.0.1:PORT` (scripts read the port from it).
 */
import { readFileSync, watch } from 'node:fs';
import * as path from 'node:path';
import { formatIssueWithRule } from '../../lib/model/rules';
import type { GatewaySpec } from '../../lib/model/types';
import { loadSpec } from '../../lib/load';
import { DevUsageError } from '../../dev/errors';
import { loadFunctions } from '../../dev/functions';
import { ALL_PROFILES, type Profile } from '../../dev/profiles';
import { startDev, type DevServer } from '../../dev/server';
import { JWKS_PATH } from '../../dev/mock-idp';
import { envName } from '../../dev/consumers';
import { stateDir } from '../../dev/local-state';
import { ADMIN_TOKEN_HEADER, newAdminToken } from '../../dev/admin-guard';
import { plural } from './context';
import { lineBatch } from './line-batch';
import { basePrefix } from '../../lib/model/path';

export interface DevFlags {
  stage?: string;
  profile?: string;
  port?: string;
  backend?: string[];
  function?: string[];
  mockIdp?: boolean;
  /** Answer every `type: llm` backend with the local mock LLM. */
  mockLlm?: boolean;
  /** Run what the profile's target would refuse, with warnings. */
  allowRefused?: boolean;
  clock?: string;
  trustForwarded?: boolean;
  /** HTTPS: certificate and key files, and the CA bundle client certificates must chain to. */
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  /** Seeds the canary split (release.canary). */
  seed?: string;
  quiet?: boolean;
  /** `text` or `json` (lines of schema/access-log.schema.json). */
  accessLog?: string;
  /** Reload the spec when its file changes (the server restarts on the same port). */
  watch?: boolean;
}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export function parseProfile(p: string | undefined): Profile {
  if (p === undefined) return 'aws';
  if (!(ALL_PROFILES as readonly string[]).includes(p)) throw new DevUsageError(`unknown profile ${JSON.stringify(p)}; profiles: ${ALL_PROFILES.join(', ')}`);
  return p as Profile;
}

function parsePairs(list: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of list ?? []) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new DevUsageError(`${flag} ${JSON.stringify(s)}: write NAME=VALUE`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

function parsePort(p: string | undefined): number {
  if (p === undefined) return 8787;
  const n = Number(p);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new DevUsageError(`--port ${JSON.stringify(p)}: write a port number 0-65535 (0 picks a free port)`);
  return n;
}

/** A path as one shell word (quoted when it holds anything but safe characters). */
const shellWord = (p: string): string => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);

function banner(dev: DevServer, spec: Awaited<ReturnType<typeof loadSpec>>['spec'], flags: DevFlags, file: string): string {
  const lines = [`gateway ${spec.name} (${plural(spec.routes.length, 'route')}), profile ${dev.profile}, stage ${dev.stage}, ${dev.clock.virtual ? 'virtual clock (POST /__anygate/clock {"advanceSeconds": N})' : 'wall clock'}`];
  const base = basePrefix(spec.basePath);
  for (const r of spec.routes) lines.push(`  ${r.method.padEnd(7)} ${base}${r.path}  ${r.id} -> ${r.backend}`);
  for (const k of dev.keys) lines.push(`  api key ${k.consumer} (plan ${k.plan}): ${k.key}${k.source === 'generated' ? ` (set ${envName(k.consumer)} to choose it)` : ` (from ${k.source})`}`);
  if (dev.mcpUrl) lines.push(`  MCP (Streamable HTTP): ${dev.mcpUrl}, tools: ${dev.tools.join(', ')}`);
  if (dev.mockLlmUrl) lines.push(`  mock LLM (OpenAI-compatible): ${dev.mockLlmUrl}`);
  // The spec named, so the command works from any directory (token finds no spec of its own there).
  if (flags.mockIdp) lines.push(`  mock IdP: JWKS at ${dev.url}${JWKS_PATH}; tokens: anygate token ${shellWord(file)} --authorizer NAME --scope S`);
  // Said every time: whoever can write this directory can mint tokens and derive API keys.
  if (flags.mockIdp || dev.keys.some((k) => k.source === 'generated')) lines.push(`  local keys (mock IdP, API key seed): ${stateDir()} (yours only, mode 0700)`);
  lines.push(`  admin token (${ADMIN_TOKEN_HEADER} on POST /__anygate/clock): ${dev.adminToken}${dev.adminTokenFile ? ` (also in ${dev.adminTokenFile}, read by anygate conform)` : ''}`);
  lines.push(`  live view: ${dev.url}/__anygate/  metrics: ${dev.url}/__anygate/metrics`);
  for (const w of dev.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

/** Runs until SIGINT/SIGTERM or `signal` aborts; resolves to the exit code. */
export async function cmdDev(file: string, flags: DevFlags, direct: Io, signal?: AbortSignal): Promise<number> {
  // Access-log lines arrive once per request: written once per event-loop turn (line-batch.ts).
  const io = lineBatch(direct);
  try {
    return await serve(file, flags, io, signal);
  } finally {
    io.flush();
  }
}

async function serve(file: string, flags: DevFlags, io: Io, signal?: AbortSignal): Promise<number> {
  if (flags.clock !== undefined && flags.clock !== 'virtual' && flags.clock !== 'wall') throw new DevUsageError(`--clock ${JSON.stringify(flags.clock)}: use virtual or wall`);
  if (flags.accessLog !== undefined && flags.accessLog !== 'text' && flags.accessLog !== 'json') throw new DevUsageError(`--access-log ${JSON.stringify(flags.accessLog)}: use text or json`);
  const profile = parseProfile(flags.profile);
  const port = parsePort(flags.port);
  const seed = flags.seed === undefined ? undefined : Number(flags.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new DevUsageError(`--seed ${JSON.stringify(flags.seed)}: write an integer`);
  const backends = parsePairs(flags.backend, '--backend');
  const loaded = await loadSpec(file);
  const functions = loadFunctions(flags.function ?? []);
  // One token for the whole run: a --watch restart keeps it, so scripts holding it keep working.
  const adminToken = newAdminToken();
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey) || (flags.clientCa && !flags.tlsCert)) throw new DevUsageError('--tls-cert and --tls-key go together, and --client-ca needs them');
  const tls = flags.tlsCert ? { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey!), ...(flags.clientCa ? { clientCa: readFileSync(flags.clientCa) } : {}) } : undefined;
  const start = (spec: GatewaySpec, on: number) =>
    startDev({
      spec,
      stage: flags.stage,
      profile,
      port: on,
      backends,
      functions,
      mockIdp: flags.mockIdp,
      mockLlm: flags.mockLlm,
      allowRefused: flags.allowRefused,
      clock: flags.clock === 'virtual' ? 'virtual' : 'wall',
      trustForwarded: flags.trustForwarded,
      tls,
      seed,
      adminToken,
      log: flags.quiet ? undefined : (line) => io.out(line + '\n'),
      logFormat: flags.accessLog === 'json' ? 'json' : 'text',
    });
  let dev = await start(loaded.spec, port);
  io.out(`anygate dev listening on ${dev.url}\n`);
  for (const w of loaded.warnings) io.err(formatIssueWithRule(w) + '\n');
  // With JSON lines on stdout, the banner goes to stderr: stdout is then the listening line and log lines only.
  if (!flags.quiet) (flags.accessLog === 'json' ? io.err : io.out)(banner(dev, loaded.spec, flags, file));
  const watcher = flags.watch ? watchSpec(file, loaded.spec, { start, current: () => dev, replace: (d) => (dev = d) }, io) : undefined;
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
  });
  await watcher?.close();
  await dev.close();
  return 0;
}

interface Restart {
  start(spec: GatewaySpec, port: number): Promise<DevServer>;
  current(): DevServer;
  replace(dev: DevServer): void;
}

/**
 * `--watch`: reloads the spec when its file changes. A spec that does not load or that the
 * profile's target would refuse leaves the running gateway as it was, and says why. The server
 * restarts on the same port, so counters, cache and the virtual clock start afresh.
 */
function watchSpec(file: string, first: GatewaySpec, r: Restart, io: Io): { close(): Promise<void> } {
  const abs = path.resolve(file);
  let last = first;
  // One reload at a time; changes made meanwhile trigger one more.
  let running: Promise<void> | undefined;
  let again = false;
  // One save raises several events (truncate and write, or rename and change): content that was
  // already loaded (or refused) is not reloaded, so each save is reported once.
  const read = () => {
    try {
      return readFileSync(abs, 'utf8');
    } catch {
      return undefined;
    }
  };
  let seen = read();
  const reload = async (): Promise<void> => {
    const text = read();
    if (text === seen) return;
    seen = text;
    let spec: GatewaySpec;
    try {
      delete require.cache[abs]; // a TypeScript spec is a module: load it afresh
      spec = (await loadSpec(file)).spec;
    } catch (e) {
      io.err(`anygate dev: ${file} changed but was not reloaded:\n${e instanceof Error ? e.message : String(e)}\n`);
      return;
    }
    const port = r.current().port;
    await r.current().close();
    try {
      r.replace(await r.start(spec, port));
      last = spec;
      io.out(`anygate dev reloaded ${file} (${plural(spec.routes.length, 'route')}) on ${r.current().url}\n`);
    } catch (e) {
      r.replace(await r.start(last, port));
      io.err(`anygate dev: ${file} changed but was not reloaded:\n${e instanceof Error ? e.message : String(e)}\n`);
    }
  };
  const trigger = () => {
    if (running) {
      again = true;
      return;
    }
    running = reload().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        trigger();
      }
    });
  };
  // Watch the directory: editors often replace the file (rename) rather than write it in place.
  const watcher = watch(path.dirname(abs), (_event, name) => {
    if (name === path.basename(abs)) trigger();
  });
  return {
    async close() {
      watcher.close();
      await running;
    },
  };
}
