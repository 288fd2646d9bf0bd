/** `anygate diff <old-out> <new-out>`: per route, policy and resource property; `--fail-on` for CI. */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { EXIT, plural, UsageError, type CommandModule, type Context } from './context';

interface DiffFlags {
  failOn?: 'changes' | 'destructive';
  json?: boolean;
}

/**
 * An argument that is not a synth out dir is a usage error (exit 2): exit 1 is `--fail-on`'s answer,
 * which a CI step must not confuse with a mistyped path.
 */
function outDirArgument(dir: string, which: string): void {
  const what = `give two directories written by anygate synth (its --out, default out), older first`;
  if (!existsSync(dir)) throw new UsageError(`${which} ${dir}: no such directory; ${what}`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${which} ${dir}: not a directory; ${what}`);
  if (!existsSync(path.join(dir, 'manifest.json'))) throw new UsageError(`${which} ${dir}: no manifest.json, so not an anygate synth out dir; ${what}`);
}

async function diff(oldDir: string, newDir: string, flags: DiffFlags, ctx: Context): Promise<number> {
  outDirArgument(oldDir, '<old-out>');
  outDirArgument(newDir, '<new-out>');
  const { diffOut } = require('../synth/diff') as typeof import('../synth/diff');
  const d = diffOut(oldDir, newDir);
  const c = ctx.colors;
  if (flags.json) ctx.io.out(JSON.stringify({ changes: d.changes, destructive: d.destructive, skipped: d.skipped, entries: d.entries }, null, 2) + '\n');
  else {
    for (const l of d.lines) {
      const colored = /DESTRUCTIVE/.test(l) ? c.red(l) : /^\S+: \+ /.test(l) || /^ {4}\+ /.test(l) ? c.green(l) : /^\S+: - /.test(l) || /^ {4}- /.test(l) ? c.red(l) : /^\S+: ~ /.test(l) ? c.yellow(l) : l;
      ctx.io.out(colored + '\n');
    }
    ctx.io.out(`${plural(d.changes, 'change')}, ${d.destructive} destructive${d.skipped.length ? `, ${d.skipped.length} not compared (targets or stages one run did not synthesize)` : ''}\n`);
  }
  // A gate that could not compare a target has not passed it.
  if (flags.failOn && d.skipped.length) return EXIT.failed;
  if (flags.failOn === 'changes' && d.changes > 0) return EXIT.failed;
  if (flags.failOn === 'destructive' && d.destructive > 0) return EXIT.failed;
  return EXIT.ok;
}

export const diffCommand: CommandModule = {
  register(program: Command, ctx, run) {
    program
      .command('diff')
      .description('what changes between two synth outputs, per resource property, route and policy line; removals of stateful resources are flagged DESTRUCTIVE')
      .argument('<old-out>', 'an earlier out dir')
      .argument('<new-out>', 'a newer out dir')
      .addOption(new Option('--fail-on <what>', 'exit 1 when there are changes, or destructive changes (for CI)').choices(['changes', 'destructive']))
      .option('--json', 'machine-readable output')
      .action(run((a: string, b: string, flags: DiffFlags) => diff(a, b, flags, ctx)));
  },
};
