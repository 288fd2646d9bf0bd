/**
 * Bundles a generated handler with esbuild at synth: minified, no source maps, no absolute paths,
 * so the same input always gives the same bytes and the same asset hash. The configuration is
 * written as config.json beside the code.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

export type HandlerKind = 'authorizer' | 'transform' | 'llm';

export interface BundledHandler {
  readonly kind: HandlerKind;
  /** Directory holding index.js and config.json: a Lambda asset. */
  readonly dir: string;
  /** sha256 of code and configuration. */
  readonly hash: string;
  /** Size of the minified code, in bytes. */
  readonly codeBytes: number;
}

/** The handler source in a checkout; the compiled .js beside it in the published package (dist/). */
const ENTRY_FILE: Record<HandlerKind, string> = { authorizer: 'lambda', transform: 'handler', llm: 'lambda' };
function entry(kind: HandlerKind): string {
  const ts = path.join(__dirname, kind, `${ENTRY_FILE[kind]}.ts`);
  return existsSync(ts) ? ts : path.join(__dirname, kind, `${ENTRY_FILE[kind]}.js`);
}

const codeCache = new Map<string, string>();

type AuthorizerConfig = { routeGroups?: { alternatives?: unknown }[]; internalKey?: boolean; apiKeys?: Record<string, { scheme?: string }>; jwt?: Record<string, { expOptional?: boolean; scopeFallbackClaim?: string }> };
type LlmConfig = { backends?: Record<string, { tokenLimit?: unknown }> };

/** The JWT authorizers of a configuration that ask for the dev profiles' relaxed checks (no exp; a fallback scope claim). */
export function devLenientAuthorizers(config: unknown): string[] {
  const jwt = (config as AuthorizerConfig | undefined)?.jwt ?? {};
  return Object.keys(jwt)
    .filter((n) => jwt[n].expOptional || jwt[n].scopeFallbackClaim)
    .sort();
}

/**
 * Every feature a kind's bundle may leave out, in order, with whether a configuration needs it.
 * The LLM proxy bundles gpt-tokenizer (2.7 MB, o200k_base) only when a token budget counts. The
 * dev profiles' relaxed JWT checks are never needed: a cloud bundle never carries them, and
 * bundleHandler refuses a configuration asking for them (only `anygate dev` sets them, running the
 * handler's source, never a bundle).
 */
const OMITTABLE: { readonly [K in HandlerKind]: readonly (readonly [string, (config: never) => boolean])[] } = {
  authorizer: [
    ['ANYGATE_OMIT_ALTERNATIVES', (c: AuthorizerConfig) => Boolean(c.routeGroups?.some((r) => r.alternatives))],
    ['ANYGATE_OMIT_DEV_LENIENCY', () => false],
    ['ANYGATE_OMIT_INTERNAL_KEY', (c: AuthorizerConfig) => Boolean(c.internalKey)],
    ['ANYGATE_OMIT_KEY_SCHEME', (c: AuthorizerConfig) => Object.values(c.apiKeys ?? {}).some((k) => k.scheme)],
  ],
  transform: [],
  llm: [['ANYGATE_OMIT_TOKENIZER', (c: LlmConfig) => Object.values(c.backends ?? {}).some((b) => b.tokenLimit)]],
};

/**
 * Code the configuration does not use, left out of the bundle: the LLM proxy's tokenizer, and the alternatives planner (with
 * optional authentication), the internal-key loader (Secrets Manager), the reading of an API key
 * after a scheme prefix and (always) the dev profiles' relaxed JWT checks, of the authorizer. Each name is
 * replaced by "1" in the handler's `process.env.<name> === '1'` tests (a kept feature's by "0"),
 * which esbuild then folds and drops with the code they guard. The handler refuses a
 * configuration needing what its bundle left out.
 */
export function omittedFeatures(kind: HandlerKind, config: unknown): string[] {
  return OMITTABLE[kind].filter(([, needed]) => !needed(config as never)).map(([name]) => name);
}

/** Features no bundle of a kind ever carries, whatever `omit` says. */
const NEVER_BUNDLED: { readonly [K in HandlerKind]: readonly string[] } = { authorizer: ['ANYGATE_OMIT_DEV_LENIENCY'], transform: [], llm: [] };

/**
 * The minified handler code (cached per process and feature set: it does not depend on the rest of the configuration).
 * @param omit features left out; the dev profiles' relaxed JWT checks are left out always. @default [] (only those)
 */
export function handlerCode(kind: HandlerKind, omitted: readonly string[] = []): string {
  const omit = [...new Set([...omitted, ...NEVER_BUNDLED[kind]])];
  const cacheKey = [kind, ...omit].join(' ');
  let code = codeCache.get(cacheKey);
  if (code === undefined) {
    const out = buildSync({
      entryPoints: [entry(kind)],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      legalComments: 'none',
      sourcemap: false,
      write: false,
      charset: 'utf8',
      absWorkingDir: path.join(__dirname, '..', '..'),
      // The AWS SDK ships with the Lambda Node.js runtime.
      external: ['@aws-sdk/*'],
      // Omitted features are "1", kept ones "0": a bundle never reads these at run time (no
      // per-call process.env lookups, no test strings in the code).
      define: Object.fromEntries([...new Set([...OMITTABLE[kind].map(([n]) => n), ...omit])].map((n) => [`process.env.${n}`, omit.includes(n) ? '"1"' : '"0"'])),
      logLevel: 'silent',
    });
    code = out.outputFiles[0].text;
    codeCache.set(cacheKey, code);
  }
  return code;
}

/** Default place for bundles: a content-addressed folder under the OS temp dir. */
export const DEFAULT_BUNDLE_ROOT = path.join(tmpdir(), 'anygate-bundles');

/** Writes the handler and its configuration into a content-addressed directory under `root`. */
export function bundleHandler(kind: HandlerKind, config: unknown, root: string = DEFAULT_BUNDLE_ROOT): BundledHandler {
  const lenient = kind === 'authorizer' ? devLenientAuthorizers(config) : [];
  if (lenient.length) {
    throw new Error(`authorizer bundle: JWT authorizer ${lenient.join(', ')} asks for the dev profiles' relaxed checks (expOptional or scopeFallbackClaim), which a cloud bundle never carries; these are set only by anygate dev's profiles: build the configuration without them (providers/aws compiles none)`);
  }
  const code = handlerCode(kind, omittedFeatures(kind, config));
  // Compact: the authorizer parses it at cold start (2,000 routes: a third of the indented bytes).
  const configJson = JSON.stringify(config) + '\n';
  const hash = createHash('sha256').update(code).update('\0').update(configJson).digest('hex');
  const dir = path.join(root, `${kind}-${hash.slice(0, 20)}`);
  const indexFile = path.join(dir, 'index.js');
  if (!existsSync(indexFile) || readFileSync(indexFile, 'utf8') !== code) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(indexFile, code);
    writeFileSync(path.join(dir, 'config.json'), configJson);
  }
  return { kind, dir, hash, codeBytes: Buffer.byteLength(code) };
}
