/**
 * The mock IdP keys and the API key seed live in a per-user directory that anygate creates 0700
 * and refuses when another user could have written it (issue 28: the default was
 * <os temp dir>/anygate-dev, trusted whatever its owner and mode).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkStateDir, stateDir, stateDirPath } from '../../dev/local-state';

const posix = typeof process.getuid === 'function';
let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'anygate-state-test-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('dev key directory', () => {
  it('is per user by default: XDG_STATE_HOME, else ~/.local/state, never a name shared in the temp folder', () => {
    expect(stateDirPath({ ANYGATE_DEV_HOME: '/x/y' })).toBe('/x/y');
    expect(stateDirPath({ XDG_STATE_HOME: '/state' })).toBe('/state/anygate');
    const dflt = stateDirPath({});
    expect(dflt).not.toBe(path.join(tmpdir(), 'anygate-dev'));
    expect(dflt.startsWith(tmpdir() + path.sep) ? dflt.endsWith(`anygate-${process.getuid?.()}`) : dflt.endsWith(path.join('.local', 'state', 'anygate'))).toBe(true);
  });

  (posix ? it : it.skip)('is created with mode 0700', () => {
    const dir = stateDir({ XDG_STATE_HOME: root });
    expect(dir).toBe(path.join(root, 'anygate'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  (posix ? it : it.skip)('is refused when group or world writable, naming the path and the fix', () => {
    const dir = path.join(root, 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(() => stateDir({ ANYGATE_DEV_HOME: dir })).toThrow(`dev key directory ${dir} is writable by every user (mode 0777): another user could replace its keys; run chmod 700 ${dir}`);
    chmodSync(dir, 0o770);
    expect(() => stateDir({ ANYGATE_DEV_HOME: dir })).toThrow(/writable by its group \(mode 0770\)/);
    chmodSync(dir, 0o700);
    expect(stateDir({ ANYGATE_DEV_HOME: dir })).toBe(dir);
  });

  (posix ? it : it.skip)('is refused when another user owns it', () => {
    const dir = path.join(root, 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    const other = (process.getuid!() + 1) % 65536;
    expect(() => checkStateDir(dir, other)).toThrow(`dev key directory ${dir} is owned by uid ${process.getuid!()}, not by you (uid ${other})`);
    expect(() => checkStateDir(dir, other)).toThrow(/set ANYGATE_DEV_HOME to a directory of your own with mode 0700/);
  });
});
