/** Options several commands share. */
import { Option, type Command } from 'commander';

/** --azure-sku and --apigee-env, with their choices (commander suggests the closest on a typo). */
export function tierOptions(cmd: Command, skus: readonly string[], envs: readonly string[]): Command {
  return cmd
    .addOption(new Option('--azure-sku <sku>', 'Azure API Management SKU').choices(skus))
    .addOption(new Option('--apigee-env <type>', 'Apigee environment type').choices(envs));
}
