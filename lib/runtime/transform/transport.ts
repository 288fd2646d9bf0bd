/**
 * How the transform function reaches its target. Injectable, so tests and `anygate dev` run it
 * without a network or AWS. The Lambda transport uses node:http(s) (global fetch would load
 * undici on the cold path and silently decompress bodies).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ProxyEvent } from './event';

export interface HttpInit {
  method: string;
  /**
   * Lower-case names. Values are byte strings: each character is one byte (Latin-1), a non-ASCII
   * value already being its UTF-8 bytes, so a client that writes headers as Latin-1 (node:http,
   * undici) sends UTF-8 on the wire.
   */
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
}

/** A backend's answer. `body` is as received, still in its content-encoding (the handler decodes it). */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends the transformed request. Reject with an error named `TimeoutError` for a timeout (504). */
export interface Transport {
  http(url: string, init: HttpInit): Promise<HttpAnswer>;
  invoke(functionName: string, event: ProxyEvent): Promise<{ statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean }>;
}

function timeoutError(): Error {
  const e = new Error('backend timeout');
  e.name = 'TimeoutError';
  return e;
}

/** One HTTP exchange with node:http(s): no redirects followed, no decompression, one deadline. */
export function nodeHttp(url: string, init: HttpInit): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: init.method, headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(timeoutError()), init.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(init.body && init.method !== 'GET' && init.method !== 'HEAD' ? init.body : undefined);
  });
}

/** The transport used in Lambda: node:http(s) for HTTP, the AWS SDK (in the Lambda runtime) for functions. */
export const lambdaTransport: Transport = {
  http: nodeHttp,
  async invoke(functionName, event) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
    const client = new LambdaClient({});
    const out = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }));
    if (out.FunctionError) throw new Error(out.FunctionError);
    return JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8') || '{}');
  },
};
