/**
 * The AI gateway the dev MCP and token-limit tests share: a JWT route and an API-key route exposed
 * as MCP tools, a public tool, and an LLM backend with a per-consumer token limit.
 */
import { parseDataFile, specFromData } from '../../../lib/model/load';
import type { GatewaySpec } from '../../../lib/model/types';

/** Token budget of the fixture's LLM backend, per consumer per minute. */
export const TOKENS_PER_MINUTE = 120;

const yaml = (tokenLimit: string) => `
name: ai-shop
version: 1.0.0
basePath: /v1
backends:
  pets: { type: http, url: https://pets.invalid }
  llm: { type: llm, provider: openai-compatible, url: https://llm.invalid/v1, model: gpt-4o-mini, tokenLimit: ${tokenLimit} }
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
    mcp: { tool: get_pet, title: Get a pet }
  - id: createPet
    method: POST
    path: /pets
    backend: pets
    auth: [key]
    validation: { bodySchema: { type: object, required: [name], properties: { name: { type: string, maxLength: 40 } }, additionalProperties: false } }
    mcp: { tool: create_pet, description: Create a pet. }
  - id: chat
    method: POST
    path: /chat/completions
    backend: llm
    auth: [key]
    mcp: { description: Ask the shop assistant. }
  - { id: hello, method: GET, path: /hello, backend: hello, auth: none, mcp: { tool: hello, description: Say hello. } }
stages:
  dev: {}
`;

/** The fixture spec; `tokenLimit` replaces the LLM backend's token limit (YAML flow mapping). */
export function aiSpec(tokenLimit = `{ tokens: ${TOKENS_PER_MINUTE}, period: minute, per: consumer }`): GatewaySpec {
  return specFromData('ai-shop.yaml', parseDataFile(yaml(tokenLimit), 'ai-shop.yaml'), 'yaml').spec;
}
