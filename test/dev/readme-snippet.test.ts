/**
 * The README's `anygate dev` snippet, run as written (#34): its dev line's flags (parsed by the
 * CLI's own option definitions) start the gateway; its curl lines get their 401 and 200; its
 * conform line passes every generated case. The one substitution is the pets backend the user runs
 * on port 3000 (an echo server here); the port is 0 so parallel tests never collide.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { createColors } from 'picocolors';
import { main } from '../../bin/cli';
import { cmdDev, type DevFlags } from '../../bin/commands/dev';
import { localCommands } from '../../bin/commands/local';
import { capturedIo } from '../io-capture';
import { echoBackend, get, isolateDevHome } from './helpers';

isolateDevHome();
const ROOT = path.join(__dirname, '..', '..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const block = (readme.match(/```sh\n[\s\S]*?```/g) ?? []).find((b) => b.includes('anygate dev ') && b.includes('anygate conform'))!;
/** A command of the block, continuation lines joined, comments dropped, split into words. */
const words = (command: string): string[] => {
  const line = new RegExp(`^${command} (?:.*\\\\\\n)*.*`, 'm').exec(block)![0];
  return line.replace(/\\\n/g, ' ').replace(/#.*$/, '').trim().split(/\s+/).slice(command.split(' ').length);
};

/** What the CLI's parser makes of `anygate <args>`, without running the command. */
function parsed(args: string[]): { file: string; opts: Record<string, unknown> } {
  let got: { file: string; opts: Record<string, unknown> } | undefined;
  const program = new Command().exitOverride();
  const io = { out: () => undefined, err: () => undefined };
  localCommands.register(program, { io, colors: createColors(false), verbose: () => false }, () => (async (file: string, opts: Record<string, unknown>) => void (got = { file, opts })) as never);
  program.parse(['node', 'anygate', ...args]);
  return got!;
}

it('the README\'s dev snippet: the gateway starts with its flags, curl gets 401 then 200, conform passes as written', async () => {
  const dev = parsed(['dev', ...words('anygate dev')]);
  expect(dev.file).toBe('examples/petstore/gateway.yaml');
  expect(dev.opts).toMatchObject({ mockIdp: true, clock: 'virtual', trustForwarded: true, backend: ['pets=http://127.0.0.1:3000'] });
  const backend = await echoBackend();
  const flags = { ...dev.opts, port: '0', backend: (dev.opts.backend as string[]).map((b) => b.replace('http://127.0.0.1:3000', backend.url)), function: (dev.opts.function as string[]).map((f) => f.replace('=./', `=${ROOT}/`)) } as DevFlags;
  const io = capturedIo();
  const stop = new AbortController();
  const running = cmdDev(path.join(ROOT, dev.file), flags, io.io, stop.signal);
  try {
    await io.until(() => io.out.length > 0, 'the listening line', running);
    const url = io.out.join('').split('\n')[0]!.slice('anygate dev listening on '.length);
    expect((await get(`${url}/v1/pets`)).status).toBe(401);
    const token = parsed(['token', .../\$\(anygate token ([^)]*)\)/.exec(block)![1]!.trim().split(/\s+/)]);
    expect(token.opts).toMatchObject({ authorizer: 'jwt', scope: ['pets:read'] });
    let minted = '';
    expect(await main(['node', 'anygate', 'token', path.join(ROOT, token.file), '--authorizer', token.opts.authorizer as string, ...(token.opts.scope as string[]).flatMap((x) => ['--scope', x])], { out: (s) => void (minted += s), err: () => undefined })).toBe(0);
    expect((await get(`${url}/v1/pets`, { headers: { authorization: `Bearer ${minted.trim()}` } })).status).toBe(200);
    const conform = words('anygate conform');
    expect(conform).toEqual(['examples/petstore/gateway.yaml', '--url', 'http://127.0.0.1:8787', '--profile', 'aws']);
    let table = '';
    const code = await main(['node', 'anygate', 'conform', path.join(ROOT, conform[0]!), '--url', url, ...conform.slice(3)], { out: (s) => void (table += s), err: (s) => void (table += s) });
    expect([code, table]).toEqual([0, expect.stringMatching(/\d+ passed, 0 failed/)]);
  } finally {
    stop.abort();
    await running;
    await backend.close();
  }
});
