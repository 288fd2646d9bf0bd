/** `anygate portability <spec>`: what each target does with each feature the spec uses. */
import type { Command } from 'commander';
import { APIGEE_ENVIRONMENT_TYPES, AZURE_SKUS, type ApigeeEnvironmentType, type AzureSku } from '../../lib/capabilities/types';
import { ALL_TARGETS, TARGETS } from '../../lib/capabilities/types';
import { EXIT, type CommandModule, type Context } from './context';
import { specArgument } from './spec-file';
import { parseTargets } from './targets';
import { tierOptions } from './options';

interface PortabilityFlags {
  target?: string;
  json?: boolean;
  azureSku?: AzureSku;
  apigeeEnv?: ApigeeEnvironmentType;
}

async function portabilityCmd(given: string | undefined, flags: PortabilityFlags, ctx: Context): Promise<number> {
  const targets = parseTargets(flags.target);
  const file = specArgument(given, ctx.io.err);
  const [{ loadSpec }, { portability, formatPortabilityTable }] = [require('../../lib/load') as typeof import('../../lib/load'), require('../../lib/capabilities') as typeof import('../../lib/capabilities')];
  const { spec } = await loadSpec(file);
  // Size limits only the emitted output reveals come from the (pure) compilers.
  const { compilers } = require('../synth/compilers') as typeof import('../synth/compilers');
  const report = portability(spec, targets, { azureSku: flags.azureSku, apigeeEnvironmentType: flags.apigeeEnv, compilers: compilers() });
  ctx.io.out(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatPortabilityTable(report));
  return report.problems.length ? EXIT.failed : EXIT.ok;
}

export const portabilityCommand: CommandModule = {
  register(program: Command, ctx, run) {
    const cmd = program
      .command('portability')
      .description('what each target does with each feature the spec uses')
      .argument('[spec]', 'spec file (default: found in the current directory)')
      .option('--target <list>', `comma-separated targets (${ALL_TARGETS.join(',')}; default ${TARGETS.join(',')})`);
    tierOptions(cmd, AZURE_SKUS, APIGEE_ENVIRONMENT_TYPES)
      .option('--json', 'machine-readable output')
      .action(run((file: string | undefined, flags: PortabilityFlags) => portabilityCmd(file, flags, ctx)));
  },
};
