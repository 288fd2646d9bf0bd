/**
 * @redocly/openapi-core's lint, with `createConfig` typed narrowly here: checking a call against its
 * declared parameter type (the whole rule configuration, inferred from JSON schemas) cost the type
 * check about 27 s of CPU, a sixth of `npm test`'s type check, for one line of one test.
 */
import { lintFromString } from '@redocly/openapi-core';

/** The config `lintFromString` takes. */
export type LintConfig = Parameters<typeof lintFromString>[0]['config'];

/** `createConfig` for the options the tests pass: presets to extend. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const createConfig: (raw: { extends: string[] }) => Promise<LintConfig> = require('@redocly/openapi-core').createConfig;

export { lintFromString };
