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

export type HandlerKind = 'authorizer' | 'transform';

export interface BundledHandler {
  readonly kind: HandlerKind;
  /** Directory holding index.js and config.json: a Lambda asset. */
  readonly dir: string;
  /** sha256 of code and configuration. */
  readonly hash: string;
  /** Size of the minified code, in bytes. */
  readonly codeBytes: number;
}

const ENTRY: Record<HandlerKind, string> = {
  authorizer: path.join(__dirname, 'authorizer', 'lambda.ts'),
  transform: path.join(__dirname, 'transform', 'handler.ts'),
};

const codeCache = new Map<HandlerKind, string>();

/** The minified handler code (cached per process: it does not depend on the configuration). */
export function handlerCode(kind: HandlerKind): string {
  let code = codeCache.get(kind);
  if (code === undefined) {
    const out = buildSync({
      entryPoints: [ENTRY[kind]],
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
      logLevel: 'silent',
    });
    code = out.outputFiles[0].text;
    codeCache.set(kind, code);
  }
  return code;
}

/** Default place for bundles: a content-addressed folder under the OS temp dir. */
export const DEFAULT_BUNDLE_ROOT = path.join(tmpdir(), 'anygate-bundles');

/** Writes the handler and its configuration into a content-addressed directory under `root`. */
export function bundleHandler(kind: HandlerKind, config: unknown, root: string = DEFAULT_BUNDLE_ROOT): BundledHandler {
  const code = handlerCode(kind);
  const configJson = JSON.stringify(config, null, 2) + '\n';
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
