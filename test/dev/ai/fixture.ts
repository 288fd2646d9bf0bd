/**
 * The AI gateway the dev MCP and token-limit tests share: a JWT route and an API-key route exposed
 * as MCP tools, a public tool, and an LLM backend with a per-consumer token limit.
 * (Built from YAML the model knows, with the AI fields overlaid: dev/ai-model.ts reads them.)
 */
import { parseDataFile, specFromData } from '../../../lib/model/load';
import type { GatewaySpec } from '../../../lib/model/types';

const YAML = `
name: ai-shop
version: 1.0.0
basePath: /v1
backends:
  pets: { type: http, url: https://pets.invalid }
  llm: { type: http, url: https://llm.invalid/v1 }
  hello: { type: mock, statusCode: 200, body: { hello: world } }
authorizers:
  jwt: { type: jwt, issuer: https://login.example.com/, audiences: [shop], jwksUri: https://login.example.com/jwks.json }
  key: { type: apiKey }
plans:
  basic: { rateLimit: { requestsPerSecond: 100, burst: 100 } }
consumers:
  acme: { plan: basic }
  globex: { plan: basic }
routes:
  - id: getPet
    method: GET
    path: /pets/{id}
    backend: pets
    auth: [jwt]
    scopes: [pets:read]
    description: Fetch one pet by id.
    validation: { requiredQuery: [fields] }
  - id: createPet
    method: POST
    path: /pets
    backend: pets
    auth: [key]
    validation: { bodySchema: { type: object, required: [name], properties: { name: { type: string, maxLength: 40 } }, additionalProperties: false } }
  - id: chat
    method: POST
    path: /chat/completions
    backend: llm
    auth: [key]
  - { id: hello, method: GET, path: /hello, backend: hello, auth: none }
stages:
  dev: {}
`;

/** Token budget of the fixture's LLM backend, per consumer per minute. */
export const TOKENS_PER_MINUTE = 120;

/** The fixture spec; `llm` overrides the LLM backend's token limit. */
export function aiSpec(llm: Record<string, unknown> = {}): GatewaySpec {
  const spec = specFromData('ai-shop.yaml', parseDataFile(YAML, 'ai-shop.yaml'), 'yaml').spec;
  const tools: Record<string, Record<string, unknown>> = {
    getPet: { tool: 'get_pet', title: 'Get a pet', annotations: { readOnlyHint: true } },
    createPet: { tool: 'create_pet', description: 'Create a pet.' },
    chat: { tool: 'chat' },
    hello: { tool: 'hello' },
  };
  return {
    ...spec,
    backends: { ...spec.backends, llm: { type: 'llm', url: 'https://llm.invalid/v1', tokenLimit: { tokens: TOKENS_PER_MINUTE, period: 'minute', per: 'consumer', ...llm } } as never },
    routes: spec.routes.map((r) => ({ ...r, mcp: tools[r.id] })),
  };
}
