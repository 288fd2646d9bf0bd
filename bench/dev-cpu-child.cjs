/**
 * One gateway for bench/dev-cpu.ts, in its own process: plain Node over a compiled build (the
 * `dist/` of the checkout named on the command line), as `anygate dev` runs; no TypeScript loader,
 * whose per-closure helpers (esbuild's keepNames `__name`) would be counted against dev and not
 * against the peer.
 *
 *   node bench/dev-cpu-child.cjs <aws|apigee|peer> <backend URL> <checkout with dist/>
 *
 * The spec's input is in BENCH_SPEC (JSON). Prints nothing; sends { url } over IPC once it
 * listens and answers 'cpu' with process.cpuUsage(). 'heap-start' starts the inspector's sampling
 * heap profiler (every allocation, collected ones too: what a request churns); 'heap-stop <file>'
 * writes the profile there and answers { heap: file }. 'exit' exits cleanly (--cpu-prof writes).
 */
'use strict';
const { createServer } = require('node:http');
const path = require('node:path');

const [kind, backendUrl, root] = process.argv.slice(2);
const dist = (m) => require(path.join(root, 'dist', m));

/** The peer proxy: jose + undici, as a user would write it. */
async function peer(spec) {
  const { createLocalJWKSet, jwtVerify } = await import('jose');
  const { Pool } = require('undici');
  const jwks = createLocalJWKSet(dist('dev/mock-idp').mockJwks(spec));
  const pool = new Pool(backendUrl, { connections: 32 });
  const server = createServer(async (req, res) => {
    try {
      const m = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
      const { payload } = await jwtVerify(m ? m[1] : '', jwks, { issuer: 'https://login.example.com/', audience: 'bench' });
      if (!String(payload.scope ?? '').split(' ').includes('items:read')) return void res.writeHead(403).end();
      const r = await pool.request({ method: 'GET', path: req.url, headers: { 'x-forwarded-for': req.socket.remoteAddress ?? '' } });
      res.writeHead(r.statusCode, r.headers);
      for await (const chunk of r.body) res.write(chunk);
      res.end();
    } catch {
      res.writeHead(401).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${server.address().port}`;
}

async function main() {
  const spec = dist('lib/model').toGatewaySpec(JSON.parse(process.env.BENCH_SPEC));
  const url = kind === 'peer' ? await peer(spec) : (await dist('dev/server').startDev({ spec, profile: kind, port: 0, mockIdp: true, backends: { api: backendUrl } })).url;
  let session;
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  process.on('message', async (m) => {
    if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
    // A clean exit, so that --cpu-prof (BENCH_CHILD_ARGS) writes its profile.
    else if (m === 'exit') process.exit(0);
    else if (m === 'heap-start') {
      session = new (require('node:inspector').Session)();
      session.connect();
      await post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      process.send({ heap: 'started' });
    } else if (typeof m === 'string' && m.startsWith('heap-stop ')) {
      const { profile } = await post('HeapProfiler.stopSampling');
      require('node:fs').writeFileSync(m.slice('heap-stop '.length), JSON.stringify(profile));
      process.send({ heap: m.slice('heap-stop '.length) });
    }
  });
  process.send({ url });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
