/**
 * The suite's lint server (test/lint-server.py): cfn-lint and openapi-spec-validator imported once
 * for the whole run instead of once per call. Started by the global setup, stopped by the global
 * teardown; test/validators.ts sends it the calls and runs the CLI itself when it does not answer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, 'lint-server.py');
/** The tools the server runs. */
export const SERVED = new Set(['cfn-lint', 'openapi-spec-validator']);
/** The client's exit code when no server answers (the caller then runs the CLI). */
const UNAVAILABLE = 75;

/**
 * One socket per checkout and run (a Unix socket path must stay short, so not under the
 * checkout): a second run in the same checkout (a single file run by hand beside npm test) starts
 * its own server, and its teardown cannot take the first run's socket away.
 */
function socketPath(): string {
  return path.join(tmpdir(), `anygate-lint-${createHash('sha256').update(`${path.resolve(__dirname)}\0${process.pid}`).digest('hex').slice(0, 12)}.sock`);
}

/**
 * The interpreter `python3` names, as a path. Where python3 is a pyenv shim (a bash script that
 * runs `pyenv exec`), starting it costs about 0.4 s of CPU, against 0.02 s for the interpreter
 * itself; every lint call starts one, so it is looked up once.
 */
function resolvePython(): string | undefined {
  const r = spawnSync('python3', ['-S', '-c', 'import sys; sys.stdout.write(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout && existsSync(r.stdout) ? r.stdout : undefined;
}

/** The interpreter the setup found (ANYGATE_PYTHON, for the Jest workers), else python3. */
export const python = (): string => process.env.ANYGATE_PYTHON || 'python3';

/** Starts the server in the background (it warms up while the first test files load); returns its pid. */
export function startLintServer(): number | undefined {
  const socket = socketPath();
  const found = resolvePython();
  if (found) process.env.ANYGATE_PYTHON = found;
  const child = spawn(python(), [SCRIPT, 'serve', socket], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined); // no python3: every call runs the CLI
  child.unref();
  process.env.ANYGATE_LINT_SOCKET = socket;
  return child.pid;
}

/** Stops the server the setup started. */
export function stopLintServer(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone (it stops when idle)
  }
}

/** The tool's output and exit code from the server, or undefined when none answers. */
export function viaLintServer(cmd: string, args: string[], cwd?: string, socket = process.env.ANYGATE_LINT_SOCKET): { code: number | null; out: string } | undefined {
  if (!socket || !SERVED.has(cmd) || !existsSync(socket)) return undefined;
  const r = spawnSync(python(), ['-S', SCRIPT, 'call', socket, cmd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd });
  if (r.error || r.status === UNAVAILABLE) return undefined;
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
