/**
 * The `aws:` option blocks of a spec, read here. Unknown fields are refused by the capability
 * record 'options.target' (lib/capabilities/targets/aws.ts), so a misspelt option never silently
 * does nothing.
 */
import type { GatewaySpec } from '../../lib/model/types';

/**
 * Payloads API Gateway passes as bytes (base64 to Lambda proxies). Text types stay text, so
 * functions keep receiving JSON as a string; binary uploads and downloads are not mangled.
 */
export const DEFAULT_BINARY_MEDIA_TYPES = ['application/octet-stream', 'application/pdf', 'application/zip', 'audio/*', 'image/*', 'multipart/form-data', 'video/*'];

export interface AwsGatewayOptions {
  /**
   * Media types API Gateway treats as binary (`x-amazon-apigateway-binary-media-types`).
   * @default DEFAULT_BINARY_MEDIA_TYPES
   */
  readonly binaryMediaTypes: string[];
}

/** The gateway's aws: block (checked by the capability record 'options.target' before compiling). */
export function readAwsOptions(spec: GatewaySpec): AwsGatewayOptions {
  const types = (spec.aws?.binaryMediaTypes as string[] | undefined) ?? DEFAULT_BINARY_MEDIA_TYPES;
  return { binaryMediaTypes: [...new Set(types)].sort() };
}
