/**
 * The Node.js versions the README states agree with what the packages declare (#34): the package's
 * `engines` is the README's runtime floor and every runtime dependency and peer accepts it; the
 * development version the README names satisfies every installed package; the dev packages that
 * refuse the Node 20 release it names are exactly the ones it says `npm ci` warns about.
 * Read from package-lock.json, where npm records each installed package's `engines`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string }; peerDependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }> };
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const paragraph = readme.split('\n\n').find((p) => p.startsWith('Node.js:'))!.replace(/\s+/g, ' ');

/** Installed packages with a Node range: [name, range, dev]. */
const declared = Object.entries(lock.packages).flatMap(([key, p]) => {
  const node = p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
  return key && node ? [[key.replace(/^.*node_modules\//, ''), node, p.dev === true] as const] : [];
});
const version = (re: RegExp) => {
  const m = re.exec(paragraph);
  if (!m) throw new Error(`README's Node.js paragraph does not match ${re}`);
  return semver.coerce(m[1])!.version;
};
const NUMBERS = ['no', 'one', 'two', 'three', 'four', 'five'];

describe('Node.js versions: README, engines and the lockfile agree', () => {
  it('the package\'s engines floor is the README\'s, and every runtime dependency and peer accepts it', () => {
    const floor = semver.minVersion(pkg.engines.node)!.version;
    expect(version(/runs on \*\*Node ([\d.]+) or newer\*\*/)).toBe(floor);
    const runtime = declared.filter(([name, , dev]) => !dev || name in pkg.peerDependencies);
    expect(runtime.length).toBeGreaterThan(50);
    expect(runtime.filter(([, range]) => !semver.satisfies(floor, range))).toEqual([]);
    // Not stricter than a dependency needs: some runtime package asks for exactly this floor.
    expect(runtime.filter(([, range]) => semver.minVersion(range)?.version === floor).length).toBeGreaterThan(0);
  });

  it('the development version the README names satisfies every installed package', () => {
    const dev = version(/wants \*\*Node ([\d.]+) or newer\*\*/);
    expect(declared.filter(([, range]) => !semver.satisfies(dev, range))).toEqual([]);
  });

  it('on the Node 20 release the README names, npm ci warns for exactly the packages it lists', () => {
    const on20 = version(/runs on Node (20[\d.]*) too, where `npm ci` prints `EBADENGINE`/);
    const refusing = [...new Set(declared.filter(([, range]) => !semver.satisfies(on20, range)).map(([name]) => name))];
    expect(declared.filter(([name]) => refusing.includes(name)).every(([, , dev]) => dev)).toBe(true);
    expect(paragraph).toContain(`warnings for ${NUMBERS[refusing.length]} of the dev dependencies`);
    for (const name of refusing) expect([name, paragraph.includes(name)]).toEqual([name, true]);
  });
});
