/**
 * A reader that stops early (`anygate diff | head`) closes the pipe before anygate has written
 * everything: the CLI stops quietly with the status a shell gives a command SIGPIPE ended (141),
 * not with an unhandled EPIPE and a stack trace.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { root } from './run';

it('a closed stdout ends the CLI quietly with status 141', async () => {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'anygate.js'), 'portability', 'examples/petstore/gateway.yaml'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before the first line
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  // Nothing on stderr but the spec's and the targets' warnings (portability lists them): no EPIPE, no stack.
  const other = stderr.split('\n').filter((l) => l && !/: warning: .* \[[a-z0-9-]+\]$/.test(l));
  expect({ code, other }).toEqual({ code: 141, other: [] });
});
