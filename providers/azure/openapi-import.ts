/**
 * The API definition as one OpenAPI document (Api `format: openapi+json`, `value`): API Management
 * creates every operation from it in one ARM call, instead of one ApiOperation resource per route.
 * Operation policies remain separate resources, only where an operation needs one.
 *
 * Opt-in (`apiDefinition: 'openapi'`), not the default: OpenAPI cannot express APIM's `*` method
 * or `{*rest}` wildcard templates (ANY routes and greedy parameters are refused in this mode), and
 * an import replaces the API's operation set as a whole, which only a live deployment can show
 * behaves the same under updates.
 * https://learn.microsoft.com/azure/api-management/import-api-from-oas
 */
import type { ApimOperation } from './plan';

/** Operations OpenAPI can carry (every method but `*`, no wildcard template) and the rest. */
export function importCandidates(plan: { operations: ApimOperation[] }): { importable: ApimOperation[]; separate: ApimOperation[] } {
  const separate = plan.operations.filter((o) => o.method === '*' || o.urlTemplate.includes('{*'));
  return { importable: plan.operations.filter((o) => !separate.includes(o)), separate };
}

type Json = Record<string, unknown>;

function operationObject(op: ApimOperation): Json {
  const param = (where: 'path' | 'query' | 'header') => (p: { name: string; required: boolean; description?: string }) => ({ name: p.name, in: where, required: p.required, ...(p.description ? { description: p.description } : {}), schema: { type: 'string' } });
  const parameters = [...op.templateParameters.map(param('path')), ...op.queryParameters.map(param('query')), ...op.headers.map(param('header'))];
  return {
    operationId: op.id,
    summary: op.displayName,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.bodySchema ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.bodySchema}` } } } } } : {}),
    responses: { default: { description: 'backend response' } },
  };
}

/** The OpenAPI 3.0 document for the importable operations (the caller refuses the others). */
export function openApiValue(title: string, version: string, operations: ApimOperation[], schemas: Record<string, unknown>): string {
  const paths: Record<string, Json> = {};
  for (const op of [...operations].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    paths[op.urlTemplate] = { ...(paths[op.urlTemplate] ?? {}), [op.method.toLowerCase()]: operationObject(op) };
  }
  const doc = { openapi: '3.0.1', info: { title, version }, paths, ...(Object.keys(schemas).length ? { components: { schemas } } : {}) };
  return JSON.stringify(doc);
}
