/** Test kit for the dev gateway: a counting echo backend on 127.0.0.1 and a fetch helper. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface EchoBackend {
  url: string;
  hits: number;
  /** Never answers while set (timeout tests): the gateway's timeout decides, not which timer fires first. */
  hang: boolean;
  close(): Promise<void>;
}

/** Answers every request with JSON describing it and a hit counter; `server` header set. */
export async function echoBackend(): Promise<EchoBackend> {
  const state = { hits: 0, hang: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      state.hits++;
      const body = JSON.stringify({ n: state.hits, method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), customer: { email: 'a@b.c', name: 'x' } });
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json', server: 'echo' });
        res.end(body);
      };
      // A hanging answer is dropped with the connection (the gateway gives up, or close() ends it).
      if (!state.hang) answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get hits() {
      return state.hits;
    },
    set hits(v) {
      state.hits = v;
    },
    get hang() {
      return state.hang;
    },
    set hang(v) {
      state.hang = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A private ANYGATE_DEV_HOME per test file, so keys never leak between runs. */
export function isolateDevHome(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'anygate-dev-test-'));
  process.env.ANYGATE_DEV_HOME = dir;
  return dir;
}

export async function get(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: () => JSON.parse(text) };
}
