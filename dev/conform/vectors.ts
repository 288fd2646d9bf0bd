/**
 * The conformance vector format (YAML or JSON), documented in docs/dev.md:
 *
 * ```yaml
 * vectors:
 *   - name: listPets refuses a missing token
 *     route: listPets                 # informational
 *     advanceSeconds: 3600            # move a virtual-clock dev gateway first (ignored elsewhere)
 *     spendsTokens: model             # spends LLM backend model's token budget: sent only to anygate dev --mock-llm (or conform --spend-tokens)
 *     virtualClockOnly: true          # needs advanceSeconds to move time: skipped unless the gateway is anygate dev --clock virtual
 *     request:
 *       method: GET
 *       path: /v1/pets
 *       query: { limit: "1" }
 *       headers: { Origin: https://shop.example.com }
 *       body: { name: Rex }           # JSON (an object or array) or a string
 *       token: { authorizer: jwt, scopes: [pets:read], expiresIn: 10m }   # signed by the mock IdP; expiresIn: never for no exp
 *       apiKey: { consumer: acme, in: header, name: x-api-key }   # scheme: Bot sends `Bot <key>`
 *       clientIp: 198.51.100.7        # sent as X-Forwarded-For
 *       repeat: 21                    # send N times; the expectations apply to the last answer
 *       clientCertificate: false      # send no client certificate (default: conform's --client-cert when given; true requires it)
 *     expect:
 *       status: 401                   # or a list of acceptable codes
 *       statusNot: [401, 403]         # codes that fail the case
 *       headers: { access-control-allow-origin: https://shop.example.com, retry-after: null }
 *       body: { status: ok, "fault.detail.errorcode": policies.ratelimit.SpikeArrestViolation }
 *       sameBodyAsPrevious: true      # the answer repeats the previous case's body (cache reuse); false: it differs (a fresh answer)
 *       connectionRefused: true       # no HTTP answer: the gateway closes the connection (a failed TLS handshake)
 * ```
 * A header expected as null must be absent. Body fields are dotted paths into the JSON body; a field
 * expected as null must be absent (a body that is not JSON has none).
 */
import { z } from 'zod';
import { parseDataFile } from '../../lib/model/load';
import { DevUsageError } from '../errors';

const Json: z.ZodType<unknown> = z.unknown();

export const Vector = z.strictObject({
  name: z.string().min(1),
  route: z.string().optional(),
  advanceSeconds: z.number().min(0).optional(),
  spendsTokens: z.string().min(1).optional(),
  virtualClockOnly: z.boolean().optional(),
  request: z.strictObject({
    method: z.string().min(1),
    path: z.string().startsWith('/'),
    query: z.record(z.string(), z.string()).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: Json.optional(),
    token: z
      .strictObject({
        authorizer: z.string(),
        scopes: z.array(z.string()).optional(),
        claims: z.record(z.string(), z.unknown()).optional(),
        expiresIn: z.string().optional(),
        sub: z.string().optional(),
      })
      .optional(),
    apiKey: z.strictObject({ consumer: z.string(), in: z.enum(['header', 'query']).optional(), name: z.string().optional(), scheme: z.string().optional() }).optional(),
    clientIp: z.string().optional(),
    repeat: z.number().int().min(1).max(5000).optional(),
    clientCertificate: z.boolean().optional(),
  }),
  expect: z.strictObject({
    status: z.union([z.number().int(), z.array(z.number().int()).min(1)]).optional(),
    statusNot: z.array(z.number().int()).optional(),
    headers: z.record(z.string(), z.string().nullable()).optional(),
    body: z.record(z.string(), Json).optional(),
    sameBodyAsPrevious: z.boolean().optional(),
    connectionRefused: z.boolean().optional(),
  }),
});

export const VectorFile = z.strictObject({ vectors: z.array(Vector) });

export type ConformVector = z.output<typeof Vector>;

/** Parses a vectors file; errors name the case and field. */
export function parseVectors(text: string, file: string): ConformVector[] {
  const { data } = parseDataFile(text, file);
  const r = VectorFile.safeParse(data);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DevUsageError(`invalid conformance vectors:\n${lines.join('\n')}`);
  }
  return r.data.vectors;
}
