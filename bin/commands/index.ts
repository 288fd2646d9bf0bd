/**
 * The commands, in the order `anygate --help` lists them. To add one: write bin/commands/<name>.ts
 * exporting a CommandModule (load heavy modules inside the action, not at the top) and list it here.
 */
import type { CommandModule } from './context';
import { driftCommand } from './adopt';
import { diffCommand } from './diff';
import { initCommand } from './init';
import { localCommands } from './local';
import { exportCommand, importCommand, schemaCommand } from './io-commands';
import { portabilityCommand } from './portability';
import { synthCommand } from './synth';
import { validateCommand } from './validate';

export const COMMANDS: readonly CommandModule[] = [initCommand, validateCommand, portabilityCommand, synthCommand, diffCommand, driftCommand, localCommands, importCommand, exportCommand, schemaCommand];
