/**
 * @redocly/openapi-core's lint and openapi-typescript's generator, typed narrowly here and loaded
 * with `require`, which the type check does not follow. Their own declarations cost the type check
 * of the tests (`npm test`, tsconfig.test.json) more than the tests that use them: checking one
 * `createConfig` call against its declared parameter type (the whole rule configuration, inferred
 * from JSON schemas) was about 27 s of CPU, and only reading them (@redocly/config's one
 * generated file, graphql, json-schema-to-ts; openapi-typescript's types import TypeScript's own
 * 9 MB typescript.d.ts) was about a fifth of the parse and bind time of every run, incremental
 * or not (docs/performance.md, "Round 3, eighth pass").
 */

/** The resolved configuration `createConfig` returns and `lintFromString` takes (opaque here). */
export interface LintConfig {
  readonly __brand?: 'redocly-config';
}

/** What the tests read of a lint problem. */
export interface LintProblem {
  readonly severity: 'error' | 'warn';
  readonly message: string;
}

interface RedoclyCore {
  /** `createConfig` for the options the tests pass: presets to extend. */
  createConfig(raw: { extends: string[] }): Promise<LintConfig>;
  lintFromString(opts: { source: string; absoluteRef?: string; config: LintConfig }): Promise<LintProblem[]>;
}

/** @redocly/openapi-core, loaded on first use. */
const core = (): RedoclyCore => require('@redocly/openapi-core') as RedoclyCore; // eslint-disable-line @typescript-eslint/no-require-imports

export const createConfig: RedoclyCore['createConfig'] = (raw) => core().createConfig(raw);
export const lintFromString: RedoclyCore['lintFromString'] = (opts) => core().lintFromString(opts);

interface OpenApiTypescript {
  /** Generates the TypeScript AST of a document's types (`openapiTS(schema)`). */
  default(schema: unknown): Promise<unknown>;
  /** Prints that AST. */
  astToString(ast: unknown): string;
}

/** openapi-typescript's types for an OpenAPI 3.x document, as source text; the module loads on first use (it loads TypeScript). */
export async function openApiTypes(doc: unknown): Promise<string> {
  const { default: openapiTS, astToString } = require('openapi-typescript') as OpenApiTypescript; // eslint-disable-line @typescript-eslint/no-require-imports
  return astToString(await openapiTS(doc));
}
