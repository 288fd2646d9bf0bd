/**
 * The live view's page (`GET /__anygate/`): one self-contained HTML document, no framework, no
 * external file. Its script reads `/__anygate/routes` once and follows `/__anygate/events`
 * (Server-Sent Events), drawing the charts as inline SVG itself. Spec strings and request data
 * are untrusted: the script only ever puts them in the page as text (textContent, SVG <title>
 * text), never as markup, and a Content-Security-Policy admits only this script and style (by
 * hash), so even a missed spot could not run injected code.
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root{--ok:#2e7d32;--warn:#b26a00;--err:#c62828;--muted:#666;--line:#ddd}
body{font:13px/1.4 system-ui,sans-serif;margin:1.2em 2em;color:#1a1a1a}
h1{font-size:1.3em;margin:0 0 .2em}h2{font-size:1.05em;margin:1.4em 0 .4em}
#status{color:var(--muted)}#status.live{color:var(--ok)}#status.down{color:var(--err)}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f5f5f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,monospace}
.s2{color:var(--ok)}.s3{color:var(--muted)}.s4{color:var(--warn)}.s5{color:var(--err)}
tr.refused td.decision{color:var(--warn)}tr.failed td.decision{color:var(--err)}
#charts{display:flex;flex-wrap:wrap;gap:1em}
.chart{border:1px solid var(--line);padding:.4em .6em}.chart h3{font-size:1em;margin:0 0 .3em}
svg .axis{stroke:#999;stroke-width:1}svg .lat{fill:none;stroke:#1565c0;stroke-width:1.5}
svg .pt{fill:#1565c0}svg .pt.e4{fill:var(--warn)}svg .pt.e5{fill:var(--err)}
svg .b2{fill:var(--ok)}svg .b4{fill:var(--warn)}svg .b5{fill:var(--err)}svg text{font:10px system-ui,sans-serif;fill:#444}
#requests-wrap{max-height:28em;overflow:auto}.ua{color:var(--muted);font-size:.9em;max-width:24em;overflow-wrap:anywhere}
`;

const SCRIPT = `
'use strict';
(function () {
  var MAX_ROWS = 200, MAX_POINTS = 60;
  var SVG = 'http://www.w3.org/2000/svg';
  var routes = {};      // route id -> { spec, latencies: [{ms, status}], classes: {2,3,4,5}, count }
  var order = [];
  var seen = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function ms(v) { return v === null || v === undefined ? '-' : (v < 10 ? v.toFixed(2) : v.toFixed(1)) + ' ms'; }
  function pct(list, p) {
    if (!list.length) return null;
    var s = list.map(function (x) { return x.ms; }).sort(function (a, b) { return a - b; });
    return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  }
  function klass(status) { return Math.floor(status / 100); }

  function decision(r) {
    var parts = [];
    if (r.authOutcome === 'allowed') parts.push('allowed by ' + (r.authorizers.length ? r.authorizers.join(' + ') : 'credentials') + (r.consumer ? ' (' + r.consumer + (r.plan ? ', plan ' + r.plan : '') + ')' : ''));
    if (r.authOutcome === 'none') parts.push('no auth');
    if (r.reason) parts.push(r.reason);
    if (r.cached) parts.push('cache hit');
    else if (r.backend) parts.push('backend ' + r.backend + ' ' + ms(r.backendLatencyMs));
    return parts.join('; ');
  }

  function routeRow(id) {
    var r = routes[id], s = r.spec;
    var tr = el('tr');
    tr.dataset.route = id;
    tr.appendChild(el('td', 'mono', s.method));
    tr.appendChild(el('td', 'mono', s.path));
    tr.appendChild(el('td', 'mono', id));
    tr.appendChild(el('td', '', s.auth));
    tr.appendChild(el('td', '', s.backend));
    tr.appendChild(el('td', 'num', r.count));
    tr.appendChild(el('td', 'num', r.classes[4] + r.classes[5]));
    tr.appendChild(el('td', 'num', ms(pct(r.latencies, 0.5))));
    tr.appendChild(el('td', 'num', ms(pct(r.latencies, 0.99))));
    return tr;
  }
  function drawRoutes() {
    var body = document.querySelector('#routes tbody');
    body.replaceChildren.apply(body, order.map(routeRow));
  }

  // Latency of the route's last requests (points coloured by status class) and its answers by class.
  function chart(id) {
    var r = routes[id], W = 300, H = 90, L = 34, B = 76, pts = r.latencies;
    var box = el('div', 'chart');
    box.dataset.route = id;
    box.appendChild(el('h3', 'mono', r.spec.method + ' ' + r.spec.path));
    var s = svg('svg', { width: W + 110, height: H + 10, viewBox: '0 0 ' + (W + 110) + ' ' + (H + 10), role: 'img' });
    s.appendChild(svg('title', {}, 'latency and answers of ' + id));
    s.appendChild(svg('line', { class: 'axis', x1: L, y1: 4, x2: L, y2: B }));
    s.appendChild(svg('line', { class: 'axis', x1: L, y1: B, x2: W, y2: B }));
    var max = Math.max.apply(null, pts.map(function (p) { return p.ms; }).concat([1]));
    s.appendChild(svg('text', { x: 0, y: 12 }, ms(max)));
    s.appendChild(svg('text', { x: 0, y: B }, '0'));
    var step = pts.length > 1 ? (W - L - 6) / (MAX_POINTS - 1) : 0;
    var line = [];
    pts.forEach(function (p, i) {
      var x = L + 3 + i * step, y = B - (p.ms / max) * (B - 8);
      line.push(x.toFixed(1) + ',' + y.toFixed(1));
      var c = svg('circle', { class: 'pt e' + klass(p.status), cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5 });
      c.appendChild(svg('title', {}, p.status + ' ' + ms(p.ms)));
      s.appendChild(c);
    });
    if (line.length > 1) s.insertBefore(svg('polyline', { class: 'lat', points: line.join(' ') }), s.querySelector('circle'));
    // Answers by class: 2xx, 4xx, 5xx bars.
    var total = Math.max(1, r.count), bx = W + 14;
    [2, 4, 5].forEach(function (k, i) {
      var n = k === 2 ? r.classes[2] + r.classes[3] : r.classes[k], h = (n / total) * (B - 10);
      var bar = svg('rect', { class: 'bar b' + k, x: bx + i * 30, y: (B - h).toFixed(1), width: 22, height: h.toFixed(1) });
      bar.appendChild(svg('title', {}, k + 'xx: ' + n));
      s.appendChild(bar);
      s.appendChild(svg('text', { x: bx + i * 30, y: B + 11 }, k + 'xx ' + n));
    });
    box.appendChild(s);
    return box;
  }
  function drawCharts() {
    var c = document.getElementById('charts');
    c.replaceChildren.apply(c, order.filter(function (id) { return routes[id].count > 0; }).map(chart));
  }

  function addRequest(r) {
    if (r.seq <= seen) return;
    seen = r.seq;
    var tr = el('tr', r.refusal ? (klass(r.status) === 5 ? 'failed' : 'refused') : '');
    tr.dataset.seq = r.seq;
    tr.appendChild(el('td', 'mono', r.time.slice(11, 23)));
    tr.appendChild(el('td', 'mono', r.method));
    tr.appendChild(el('td', 'mono path', r.path));
    tr.appendChild(el('td', 'mono', r.routeId === null ? '-' : r.routeId));
    tr.appendChild(el('td', 'num status s' + klass(r.status), r.status));
    tr.appendChild(el('td', 'decision', decision(r)));
    tr.appendChild(el('td', 'num', ms(r.latencyMs)));
    var client = el('td', 'mono client', r.clientIp);
    if (r.userAgent) client.appendChild(el('div', 'ua', r.userAgent));
    tr.appendChild(client);
    var body = document.querySelector('#requests tbody');
    body.insertBefore(tr, body.firstChild);
    while (body.children.length > MAX_ROWS) body.removeChild(body.lastChild);
    var route = r.routeId !== null && routes[r.routeId];
    if (route) {
      route.count++;
      route.classes[klass(r.status)] = (route.classes[klass(r.status)] || 0) + 1;
      route.latencies.push({ ms: r.latencyMs, status: r.status });
      if (route.latencies.length > MAX_POINTS) route.latencies.shift();
    }
  }

  var pending = false;
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; drawRoutes(); drawCharts(); });
  }

  function status(text, cls) {
    var s = document.getElementById('status');
    s.textContent = text;
    s.className = cls;
  }

  fetch('/__anygate/routes', { headers: { accept: 'application/json' } }).then(function (res) {
    if (!res.ok) throw new Error('routes: HTTP ' + res.status);
    return res.json();
  }).then(function (info) {
    document.getElementById('gateway').textContent = info.gateway + ' (profile ' + info.profile + ', stage ' + info.stage + ')';
    document.title = 'anygate dev: ' + info.gateway;
    info.routes.forEach(function (s) {
      order.push(s.id);
      routes[s.id] = { spec: s, latencies: [], classes: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }, count: 0 };
    });
    drawRoutes();
    var events = new EventSource('/__anygate/events'), run = null;
    // A new run (dev restarted, or reloaded the spec with --watch): its routes and numbering are new.
    events.addEventListener('hello', function (e) {
      var next = JSON.parse(e.data).run;
      if (run !== null && run !== next) location.reload();
      run = next;
    });
    events.addEventListener('request', function (e) { addRequest(JSON.parse(e.data)); redraw(); });
    events.onopen = function () { status('live', 'live'); };
    events.onerror = function () { status('disconnected: retrying (is anygate dev running?)', 'down'); };
  }).catch(function (e) { status(String(e && e.message || e), 'down'); });
})();
`;

const BODY = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>anygate dev</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<h1>anygate dev: <span id="gateway"></span></h1>
<p id="status">connecting</p>
<h2>Routes</h2>
<table id="routes"><thead><tr><th>method</th><th>path</th><th>route</th><th>auth</th><th>backend</th><th>requests</th><th>4xx/5xx</th><th>p50</th><th>p99</th></tr></thead><tbody></tbody></table>
<h2>Latency (last ${60} requests) and answers by class, per route</h2>
<div id="charts"></div>
<h2>Requests (newest first)</h2>
<div id="requests-wrap"><table id="requests"><thead><tr><th>time (UTC)</th><th>method</th><th>path</th><th>route</th><th>status</th><th>decision</th><th>latency</th><th>client, user agent</th></tr></thead><tbody></tbody></table></div>
<script>${SCRIPT}</script>
</body>
</html>
`;

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: its own script and style by hash, fetches to its own
 * origin only, nothing framed, no form or base URL, no plugin.
 */
export const LIVE_VIEW_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page and the headers it is served with. */
export function liveViewPage(): { headers: Record<string, string>; body: string } {
  return {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': LIVE_VIEW_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    },
    body: BODY,
  };
}
