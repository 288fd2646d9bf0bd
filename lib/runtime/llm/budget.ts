/**
 * Token budgets of the generated LLM proxy, counted in one DynamoDB table: an item per backend,
 * caller and window (`pk`), whose `tokens` grow by an atomic UpdateItem ADD once the model has
 * reported an answer's usage, and whose `expiresAt` (the table's TTL attribute) lets DynamoDB
 * delete it after the window. Windows are fixed and epoch-aligned (a minute, an hour or a day
 * starts on the clock), as in `anygate dev` and Envoy Gateway. A call is admitted while the
 * window has tokens left (and, with estimatePrompt, while the prompt's estimate fits): the count
 * is known only after the answer, so concurrent calls admitted under the budget may overshoot it.
 */

/** Reads and adds to the counters. */
export interface TokenStore {
  /** Tokens counted so far under `key` (0 when none). */
  get(key: string): Promise<number>;
  /** Adds `tokens` to `key` atomically, keeping the item until `expiresAt` (epoch seconds). */
  add(key: string, tokens: number, expiresAt: number): Promise<void>;
}

/** One DynamoDB call: the operation name and its input, as @aws-sdk/client-dynamodb takes them. */
export type DynamoSend = (operation: 'GetItem' | 'UpdateItem', input: Record<string, unknown>) => Promise<Record<string, any>>;

/** The partition key and TTL attribute of the generated table. */
export const TOKEN_TABLE_KEY = 'pk';
export const TOKEN_TABLE_TTL = 'expiresAt';

/** A TokenStore over the table `table`, through `send`. Reads are strongly consistent (the window's last adds count). */
export function dynamoStore(table: string, send: DynamoSend): TokenStore {
  return {
    async get(key) {
      const out = await send('GetItem', { TableName: table, Key: { [TOKEN_TABLE_KEY]: { S: key } }, ConsistentRead: true, ProjectionExpression: '#t', ExpressionAttributeNames: { '#t': 'tokens' } });
      const n = Number(out.Item?.tokens?.N ?? 0);
      return Number.isFinite(n) ? n : 0;
    },
    async add(key, tokens, expiresAt) {
      await send('UpdateItem', {
        TableName: table,
        Key: { [TOKEN_TABLE_KEY]: { S: key } },
        UpdateExpression: 'ADD #t :n SET #e = if_not_exists(#e, :e)',
        ExpressionAttributeNames: { '#t': 'tokens', '#e': TOKEN_TABLE_TTL },
        ExpressionAttributeValues: { ':n': { N: String(tokens) }, ':e': { N: String(expiresAt) } },
      });
    },
  };
}

/** The DynamoDB client of the Lambda Node.js runtime's AWS SDK v3 (not bundled). */
export function sdkDynamoSend(): DynamoSend {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-dynamodb');
  const client = new sdk.DynamoDBClient({});
  return (operation, input) => client.send(new sdk[`${operation}Command`](input));
}

/** The window `now` (ms) falls in: its start and end, in epoch seconds. */
export function tokenWindow(now: number, windowSeconds: number): { start: number; end: number } {
  const s = Math.floor(now / 1000);
  const start = s - (s % windowSeconds);
  return { start, end: start + windowSeconds };
}

/** The counter of a backend's budget for one caller in one window. Caller ids are API Gateway's (key ids, principals): `#` cannot be confused since the window comes last. */
export function counterKey(backend: string, caller: string, windowStart: number): string {
  return `${backend}#${caller}#${windowStart}`;
}

/** DynamoDB deletes an expired item within days, not at once: the item's window is over by then, and a late read of it is never a later window's. */
export const TTL_GRACE_SECONDS = 3600;
