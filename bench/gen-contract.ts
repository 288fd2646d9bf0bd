/**
 * A gateway of any size whose every route carries a contract (summary, a typed query parameter, a
 * header, a JSON body referencing a component schema, two responses) and, unless told not to,
 * validates against it: the document the 2,000-route size goal of issue 35 is stated for.
 * Deterministic: the same size gives the same spec.
 */
import type { GatewayInput, RouteInput } from '../lib/model/schema';

export interface ContractGenOptions {
  /** Routes ask for `validation: { contract: true }`. @default true */
  readonly validate?: boolean;
  /** Parameter schemas beyond a plain string (API Gateway checks only presence). @default true */
  readonly typedParameters?: boolean;
}

export function generateContractGateway(routes: number, options: ContractGenOptions = {}): GatewayInput {
  const validate = options.validate ?? true;
  const typed = options.typedParameters ?? true;
  const schemas: Record<string, unknown> = {};
  const list: RouteInput[] = [];
  const methods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
  for (let i = 0; i < routes; i++) {
    const group = `svc${Math.floor(i / 8)}`;
    const kind = i % 8;
    const method = methods[kind % 4]!;
    const path = kind < 4 ? `/${group}/items` : `/${group}/items/{itemId}`;
    const model = `${group[0]!.toUpperCase()}${group.slice(1)}Item`;
    schemas[model] ??= {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, count: { type: 'integer', minimum: 0 }, tags: { type: 'array', items: { type: 'string' } }, note: { type: ['string', 'null'] } },
    };
    const body = method === 'POST' || method === 'PUT';
    list.push({
      id: `r${i}`,
      method,
      path,
      backend: 'api',
      auth: 'none',
      tags: [group],
      ...(validate ? { validation: { contract: true } } : {}),
      contract: {
        summary: `${method} ${group} items (${i})`,
        parameters: [
          { name: 'page', in: 'query', required: method === 'GET', schema: typed ? { type: 'integer', minimum: 1 } : { type: 'string' } },
          { name: 'x-request-id', in: 'header', required: false, schema: { type: 'string' } },
        ],
        ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${model}` } } } } } : {}),
        responses: { '200': { description: 'The item', content: { 'application/json': { schema: { $ref: `#/components/schemas/${model}` } } } }, default: { description: 'An error' } },
      },
    });
  }
  return { name: 'contract-scale', version: '1.0.0', backends: { api: { type: 'http', url: 'https://api.example.com' } }, components: { schemas }, routes: list } as GatewayInput;
}
