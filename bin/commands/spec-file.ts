/** Which spec file a command reads when none is named: the first of SPEC_FILES in the current directory. */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { AnygateError } from '../../lib/model/errors';
import { UsageError } from './context';
import { closest } from './suggest';

/** Looked for, in this order, when a command gets no spec argument. */
export const SPEC_FILES = ['anygate.yaml', 'anygate.yml', 'anygate.json', 'gateway.yaml', 'gateway.yml', 'gateway.json', 'gateway.ts'] as const;

const SPEC_EXT = /\.(ya?ml|json|[cm]?[tj]s)$/i;

export function resolveSpecFile(given: string | undefined, cwd: string = process.cwd()): string {
  if (given !== undefined) {
    const abs = path.resolve(cwd, given);
    const dir = path.dirname(abs);
    if (!existsSync(abs) && existsSync(dir)) {
      const specs = readdirSync(dir).filter((f) => SPEC_EXT.test(f));
      const near = closest(path.basename(given), specs);
      if (near) throw new AnygateError(`${given}: no such file (did you mean ${JSON.stringify(path.join(path.dirname(given), near))}?)`);
    }
    return given;
  }
  const found = SPEC_FILES.find((f) => existsSync(path.join(cwd, f)));
  if (!found) throw new UsageError(`no spec given and none found in ${cwd}: looked for ${SPEC_FILES.join(', ')}; name one (anygate validate path/to/gateway.yaml) or run anygate init`);
  return found;
}

/** resolveSpecFile, telling the user (on stderr) which file it picked and why. */
export function specArgument(given: string | undefined, err: (s: string) => void): string {
  const file = resolveSpecFile(given);
  if (given === undefined) err(`using ${file} (no spec given; looked for ${SPEC_FILES.join(', ')})\n`);
  return file;
}
