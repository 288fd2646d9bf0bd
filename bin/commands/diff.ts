/** `anygate diff <old-out> <new-out>`: per route, policy and resource property; `--fail-on` for CI. */
import { Option, type Command } from 'commander';
import { EXIT, plural, type CommandModule, type Context } from './context';

interface DiffFlags {
  failOn?: 'changes' | 'destructive';
  json?: boolean;
}

async function diff(oldDir: string, newDir: string, flags: DiffFlags, ctx: Context): Promise<number> {
  const { diffOut } = require('../synth/diff') as typeof import('../synth/diff');
  const d = diffOut(oldDir, newDir);
  const c = ctx.colors;
  if (flags.json) ctx.io.out(JSON.stringify({ changes: d.changes, destructive: d.destructive, entries: d.entries }, null, 2) + '\n');
  else {
    for (const l of d.lines) {
      const colored = /DESTRUCTIVE/.test(l) ? c.red(l) : /^\S+: \+ /.test(l) || /^ {4}\+ /.test(l) ? c.green(l) : /^\S+: - /.test(l) || /^ {4}- /.test(l) ? c.red(l) : /^\S+: ~ /.test(l) ? c.yellow(l) : l;
      ctx.io.out(colored + '\n');
    }
    ctx.io.out(`${plural(d.changes, 'change')}, ${d.destructive} destructive\n`);
  }
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
