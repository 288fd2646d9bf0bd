/**
 * The anygate-internal API key: the usageIdentifierKey the authorizer returns for a request let
 * in by an alternative without an API key (a JWT alone) on a method that requires one, since
 * API Gateway refuses (403) a key-requiring method without a valid key. Its value lives only in
 * Secrets Manager (CDK generates it; CloudFormation hands it to the ApiKey through a dynamic
 * reference) and is read once per container.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { INTERNAL_KEY_SECRET_ENV } from '../config';

/** Reads the internal key's value. */
export type InternalKeyFetch = () => Promise<string>;

/** The value from Secrets Manager, with the AWS SDK v3 of the Lambda Node.js runtime (not bundled). */
export const secretsManagerFetch: InternalKeyFetch = async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: process.env[INTERNAL_KEY_SECRET_ENV] }));
  return out.SecretString;
};

const digest = (v: string) => createHash('sha256').update(v).digest();

export interface InternalKey {
  readonly value: string;
  /** True when `presented` is the internal key (constant time: the value is a secret). */
  is(presented: string): boolean;
}

/**
 * Fetches now (cold start) and shares the one result; a failed or empty fetch is forgotten, so
 * the next request that needs the key tries again (those requests are refused meanwhile).
 */
export function internalKeyLoader(fetch: InternalKeyFetch): () => Promise<InternalKey> {
  let p: Promise<InternalKey> | undefined;
  const load = () =>
    (p ??= fetch().then((value) => {
      if (typeof value !== 'string' || !value) throw Error();
      const d = digest(value);
      return { value, is: (x: string) => timingSafeEqual(digest(x), d) };
    })).catch((e) => {
      p = undefined;
      throw e;
    });
  // Started at once; a failure here is retried by the first request that needs the key.
  load().catch(() => undefined);
  return load;
}
