/** Options several commands share. */
import { Option, type Command } from 'commander';

/** --azure-sku and --apigee-env, with their choices (commander suggests the closest on a typo). */
export function tierOptions(cmd: Command, skus: readonly string[], envs: readonly string[]): Command {
  return cmd
    .addOption(new Option('--azure-sku <sku>', 'Azure API Management SKU').choices(skus))
    .addOption(new Option('--apigee-env <type>', 'Apigee environment type').choices(envs));
}

/** `--ignore a,b --ignore c`: warning rule ids to silence for one run (validate, synth, portability). */
export function ignoreOption(cmd: Command): Command {
  return cmd.option('--ignore <rules>', 'silence warnings by rule id (comma-separated, repeatable; the id ends each warning line, and is `rule` in --json), as the spec\'s ignoreWarnings does; errors cannot be silenced', (v: string, prev: string[] = []) => [...prev, v]);
}

/** The rule ids of `--ignore`, as one set. */
export function ignoredRules(flags: { ignore?: string[] }): Set<string> {
  return new Set((flags.ignore ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean));
}
