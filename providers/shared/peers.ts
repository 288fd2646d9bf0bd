/**
 * A subpath of the package (`anygate/azure`, ...) checks its optional peer dependencies before it
 * loads them, so a missing one is named with the install line instead of a raw module error.
 */

/** Why a peer does not resolve: the package names missing from `from`'s resolution paths. */
export function unresolvedPeers(packages: readonly string[], resolve: (id: string) => string = require.resolve): string[] {
  return packages.filter((p) => {
    try {
      resolve(p);
      return false;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return true;
      throw e;
    }
  });
}

/**
 * Throws, naming the missing packages and the npm line that installs them, unless every peer of
 * `entry` resolves.
 * @param entry the import the user wrote, e.g. `anygate/azure`
 * @param packages every peer the entry needs
 */
export function assertPeers(entry: string, packages: readonly string[], resolve?: (id: string) => string): void {
  const missing = unresolvedPeers(packages, resolve);
  if (!missing.length) return;
  const err = new Error(
    `${entry} needs the peer ${missing.length === 1 ? 'package' : 'packages'} ${missing.join(' and ')}, not installed: npm install ${packages.join(' ')} (they are optional peers of anygate: install them for the targets you deploy to)`,
  ) as NodeJS.ErrnoException;
  err.code = 'ANYGATE_MISSING_PEER';
  throw err;
}
