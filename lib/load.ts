/**
 * Loading any spec file: anygate YAML/JSON, TypeScript modules, and OpenAPI/Swagger documents
 * (recognised by their `openapi` or `swagger` key and imported). Async because $ref resolution is.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SpecValidationError } from './model/errors';
import { isOpenApiDocument, loadSpecFile, parseDataFile, specFromData, type LoadedSpec, type ParsedDataFile } from './model/load';
import { validateGateway } from './model/normalize';
import { importOpenApi, type ImportOptions } from './openapi/import';

export async function loadSpec(file: string, options: ImportOptions = {}): Promise<LoadedSpec> {
  const ext = path.extname(file).toLowerCase();
  if (['.yaml', '.yml', '.json'].includes(ext)) {
    let parsed: ParsedDataFile;
    try {
      parsed = parseDataFile(readFileSync(path.resolve(file), 'utf8'), file);
    } catch (e) {
      if (e instanceof SpecValidationError) throw e;
      return loadSpecFile(file); // the sync loader words missing files and the like
    }
    const data = parsed.data;
    // Parsed once: an anygate spec is validated from the same data (#20).
    if (!isOpenApiDocument(data)) return specFromData(file, parsed, ext === '.json' ? 'json' : 'yaml');
    const { input, warnings } = await importOpenApi(data, file, options);
    const r = validateGateway(input);
    const issues = r.issues.map((i) => ({ ...i, file: `${file} (imported)` }));
    if (!r.spec) throw new SpecValidationError([...warnings, ...issues]);
    return { spec: r.spec, input, warnings: [...warnings, ...issues.filter((i) => i.severity === 'warning')], format: 'openapi' };
  }
  return loadSpecFile(file);
}
