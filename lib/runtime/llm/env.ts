/** The LLM proxy's environment: names the construct sets, never secret values (their own module, so the other handlers' bundles do not change). */

/** Environment variable of the LLM proxy holding the token-budget table's name. */
export const TOKEN_TABLE_ENV = 'ANYGATE_TOKEN_TABLE';

/** Environment variable of the LLM proxy holding a backend's provider-key secret (its name or ARN, never its value). */
export function llmKeySecretEnv(backend: string): string {
  return `ANYGATE_LLM_KEY_${backend.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}
