/**
 * The `aws:` option blocks of a spec, read here and nowhere else. Unknown fields are refused, so a
 * misspelt option never silently does nothing.
 */
import { z } from 'zod';
import type { SynthesisProblem } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';

// A media type or range: type/subtype, either part may be `*` (API Gateway matches `*/*` too).
const MEDIA_RANGE = /^(?:\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*)\/(?:\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*)$/;

/**
 * Payloads API Gateway passes as bytes (base64 to Lambda proxies). Text types stay text, so
 * functions keep receiving JSON as a string; binary uploads and downloads are not mangled.
 */
export const DEFAULT_BINARY_MEDIA_TYPES = ['application/octet-stream', 'application/pdf', 'application/zip', 'audio/*', 'image/*', 'multipart/form-data', 'video/*'];

const GatewayOptions = z.strictObject({
  /**
   * Media types API Gateway treats as binary (`x-amazon-apigateway-binary-media-types`).
   * @default DEFAULT_BINARY_MEDIA_TYPES
   */
  binaryMediaTypes: z.array(z.string().regex(MEDIA_RANGE, 'a media type such as image/png or image/*')).optional(),
});

export interface AwsGatewayOptions {
  readonly binaryMediaTypes: string[];
}

export function readAwsOptions(spec: GatewaySpec, target: string, problems: SynthesisProblem[]): AwsGatewayOptions {
  const parsed = GatewayOptions.safeParse(spec.aws ?? {});
  if (!parsed.success) {
    for (const i of parsed.error.issues) problems.push({ target, where: 'gateway', feature: 'options.aws', message: `aws.${i.path.join('.')}: ${i.message}` });
  }
  for (const r of spec.routes) {
    for (const k of Object.keys(r.aws ?? {})) problems.push({ target, where: r.id, feature: 'options.aws', message: `aws.${k}: routes take no AWS options; remove it` });
  }
  const types = parsed.success ? parsed.data.binaryMediaTypes : undefined;
  return { binaryMediaTypes: [...new Set(types ?? DEFAULT_BINARY_MEDIA_TYPES)].sort() };
}
