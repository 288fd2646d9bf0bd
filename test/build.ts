/**
 * The compiled package (dist/) that the CLI subprocess tests and the tarball test run. `npm test`
 * builds it first (and `npm ci` through `prepare`); when a source is newer than the build, as after
 * an edit with no rebuild, it is rebuilt here so no test runs stale JavaScript.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.join(__dirname, '..');
// The build is incremental (tsconfig.build.json is composite): it rewrites only what changed, and
// its build info on every build, so that file, not a compiled module, says when it last built.
const STAMP = path.join(repoRoot, 'dist', 'tsconfig.build.tsbuildinfo');
const SOURCES = ['lib', 'providers', 'dev', 'bin'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') || e.name.endsWith('.js')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function distIsFresh(): boolean {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  const newest = Math.max(statSync(path.join(repoRoot, 'tsconfig.build.json')).mtimeMs, ...SOURCES.map((d) => newestSource(path.join(repoRoot, d))));
  return newest <= built;
}

/** Builds dist/ unless it is newer than every source. */
export function ensureBuilt(): void {
  if (distIsFresh()) return;
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}
