/**
 * `anygate dev --watch`: a change to the spec file reloads the gateway on the same port; a change
 * that does not load leaves the running gateway as it was and says why.
 */
import { capturedIo } from '../io-capture';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cmdDev } from '../../bin/commands/dev';
import { isolateDevHome } from './helpers';

isolateDevHome();

const spec = (value: number, extra = '') => `name: watched
backends:
  canned: { type: mock, body: { v: ${value} } }
routes:
  - { method: GET, path: /a, backend: canned, auth: none }
${extra}`;

/** One GET on a fresh connection: a restart closes the old server's keep-alive sockets. */
function get(url: string): Promise<{ status: number; json: () => unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(body) }));
      })
      .on('error', reject);
  });
}


/** `anygate dev --watch` on `file`; waits are woken by what dev prints (test/io-capture.ts), never by a timer. */
function watchedDev(file: string) {
  const { out, err, io, until: printed } = capturedIo();
  const stop = new AbortController();
  const running = cmdDev(file, { port: '0', quiet: true, watch: true }, io, stop.signal);
  return { out, err, stop, running, until: (pred: () => boolean, what: string) => printed(pred, what, running) };
}

it('reloads a changed spec on the same port, and keeps serving when the change does not load', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'anygate-watch-'));
  const file = path.join(dir, 'anygate.yaml');
  writeFileSync(file, spec(1));
  const { out, err, until, stop, running } = watchedDev(file);
  try {
    await until(() => out.length > 0, 'the listening line');
    const url = out[0].trim().slice('anygate dev listening on '.length);
    expect((await get(`${url}/a`)).json()).toEqual({ v: 1 });

    writeFileSync(file, spec(2, '  - { method: GET, path: /b, backend: canned, auth: none }\n'));
    await until(() => out.some((l) => l.startsWith('anygate dev reloaded')), 'the reload');
    expect(out.find((l) => l.startsWith('anygate dev reloaded'))).toContain(`(2 routes) on ${url}`);
    expect((await get(`${url}/a`)).json()).toEqual({ v: 2 });
    expect((await get(`${url}/b`)).status).toBe(200);

    writeFileSync(file, 'name: watched\nroutes: [ { method: GET } ]\n');
    await until(() => err.some((l) => l.includes('changed but was not reloaded')), 'the refusal');
    expect(err.join('')).toMatch(/routes\[0\]/);
    expect((await get(`${url}/a`)).json()).toEqual({ v: 2 });
  } finally {
    stop.abort();
    await running;
  }
}, 120_000);

// One save raises several file events (truncate and write, rename and change), a refused save too.
it('reports one save once: one reload line per change, one refusal per broken save', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'anygate-watch-once-'));
  const file = path.join(dir, 'anygate.yaml');
  writeFileSync(file, spec(1));
  const { out, err, until, stop, running } = watchedDev(file);
  const reloads = () => out.filter((l) => l.startsWith('anygate dev reloaded'));
  const refusals = () => err.filter((l) => l.includes('changed but was not reloaded'));
  try {
    await until(() => out.length > 0, 'the listening line');
    const url = out[0].trim().slice('anygate dev listening on '.length);
    // A save that lands in several writes of the same content, as editors do.
    writeFileSync(file, spec(2));
    writeFileSync(file, spec(2));
    await until(() => reloads().length > 0, 'the first reload');
    writeFileSync(file, 'name: watched\nroutes: [ { method: GET } ]\n');
    writeFileSync(file, 'name: watched\nroutes: [ { method: GET } ]\n');
    await until(() => refusals().length > 0, 'the refusal');
    // Reloads run one at a time in event order: once this save is reported, the earlier ones' events were all handled.
    writeFileSync(file, spec(3, '  - { method: GET, path: /b, backend: canned, auth: none }\n'));
    await until(() => reloads().some((l) => l.includes('(2 routes)')), 'the last reload');
    expect((await get(`${url}/a`)).json()).toEqual({ v: 3 });
    expect(reloads()).toEqual([expect.stringContaining('(1 route)'), expect.stringContaining('(2 routes)')]);
    expect(refusals()).toHaveLength(1);
  } finally {
    stop.abort();
    await running;
  }
}, 120_000);
