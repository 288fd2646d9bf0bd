/// <reference lib="dom" />
/**
 * The pages anygate serves or writes, in a real browser: Debian's chromium driven by
 * playwright-core, one launch for every case (a launch costs seconds).
 * - dev's live view (`/__anygate/`): requests driven through dev appear with their decision (the
 *   401's reason), new ones arrive live, each route's latency chart is drawn, untrusted strings stay
 *   text (an XSS attempt in a header and in a token subject does not run), the CSP lets only the
 *   page's own script and style run, and another origin cannot follow the feed;
 * - the portability page (`portability.html`, written by `anygate synth`): it renders, shows the
 *   refused cells in their colour, with no console error.
 * Without chromium (CHROMIUM_PATH, else /usr/bin/chromium) the cases are skipped with a message;
 * under CI, where .ci/run installs it, that is a failure instead.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { parse } from 'yaml';
import { formatPortabilityHtml } from '../../lib/capabilities/html';
import { portability } from '../../lib/capabilities/portability';
import { toGatewaySpec } from '../../lib/model/normalize';
import { LIVE_VIEW_CSP } from '../../dev/live-view/page';
import { get, isolateDevHome } from '../dev/helpers';
import { MIX, observedDev, sendMix, type ObservedDev } from '../dev/observability-kit';

isolateDevHome();

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present && process.env.CI) throw new Error(`chromium is not at ${CHROMIUM}: .ci/run installs Debian's chromium for the browser tests (or set CHROMIUM_PATH)`);
if (!present) console.warn(`test/browser skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
const describeBrowser = present ? describe : describe.skip;

/**
 * Waits until `selector` matches `want` elements: the page updates asynchronously, so the check
 * runs in the page on each animation frame (no fixed delay or deadline; the test's timeout bounds
 * the wait).
 */
async function poll(page: Page, selector: string, want: number): Promise<void> {
  await page.waitForFunction(([s, n]) => document.querySelectorAll(s as string).length === n, [selector, want] as const, { polling: 'raf', timeout: 0 });
  expect(await page.locator(selector).count()).toBe(want);
}

/** Console errors and uncaught page errors, collected per page. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => {
    errors.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  return errors;
}

describeBrowser('in chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  });
  afterAll(() => browser?.close());

  describe('the dev live view', () => {
    let o: ObservedDev;
    let page: Page;
    let errors: string[];
    const XSS_UA = '<img src=x onerror="window.__xss=1">';
    const XSS_SUB = '<script>window.__xss=2</script>';

    beforeAll(async () => {
      o = await observedDev();
      expect(await sendMix(o)).toEqual(MIX.map((m) => m.status));
      page = await browser.newPage();
      errors = watchErrors(page);
      const res = await page.goto(`${o.dev.url}/__anygate/`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toBe(LIVE_VIEW_CSP);
      await page.locator('#status.live').waitFor();
    });
    afterAll(async () => {
      await page?.close();
      await o?.close();
    });

    it('lists the routes and the requests already made, the 401 with its reason', async () => {
      await expect(page.locator('#gateway').textContent()).resolves.toBe('obs (profile aws, stage prod)');
      expect(await page.locator('#routes tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.route))).toEqual(o.spec.routes.map((r) => r.id));
      const rows = page.locator('#requests tbody tr');
      await poll(page, '#requests tbody tr', MIX.length);
      const unauthorized = rows.filter({ has: page.locator('td.status', { hasText: '401' }) });
      await expect(unauthorized.locator('td.decision').textContent()).resolves.toBe('no bearer token (Authorization: Bearer ...) was presented');
      const limited = rows.filter({ has: page.locator('td.status', { hasText: '429' }) });
      await expect(limited.locator('td.decision').textContent()).resolves.toMatch(/^allowed by key \(acme, plan gold\); over the consumer's plan rate limit; lets in again in \d+ s of the virtual clock \(POST \/__anygate\/clock to move it\)$/);
      const texts = await rows.locator('td.decision').allTextContents();
      expect(texts).toContain('allowed by jwt (dev-user); cache hit');
      expect(texts.some((t) => /^allowed by jwt \(dev-user\); backend pets [\d.]+ ms$/.test(t))).toBe(true);
      expect(texts.some((t) => /^no auth; the backend could not be reached.*; backend down [\d.]+ ms$/.test(t))).toBe(true);
    });

    it('draws each route latency chart with a point per request, and its answers by class', async () => {
      const chart = page.locator('#charts .chart[data-route="listPets"] svg');
      await poll(page, '#charts .chart[data-route="listPets"] svg circle', 4);
      const points = await chart.locator('circle').evaluateAll((cs) => cs.map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]));
      expect(points.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && y <= 76 && y >= 4)).toBe(true);
      expect(await chart.locator('polyline.lat').count()).toBe(1);
      const bars = await chart.locator('rect.bar').evaluateAll((rs) => rs.map((r) => r.querySelector('title')!.textContent));
      expect(bars).toEqual(['2xx: 2', '4xx: 2', '5xx: 0']);
      const box = await chart.boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      // Routes without requests get no chart yet; the route table counts the 4xx/5xx.
      expect(await page.locator('#charts .chart').count()).toBe(4);
      await expect(page.locator('#routes tr[data-route="broken"] td').nth(6).textContent()).resolves.toBe('1');
    });

    it('shows new requests live, and untrusted strings only as text', async () => {
      const before = await page.locator('#requests tbody tr').count();
      expect((await get(`${o.dev.url}/v1/status`, { headers: { 'user-agent': XSS_UA } })).status).toBe(200);
      expect((await get(`${o.dev.url}/v1/pets?x=1`, { headers: { authorization: o.token(['pets:read'], XSS_SUB) } })).status).toBe(200);
      await poll(page, '#requests tbody tr', before + 2);
      const top = page.locator('#requests tbody tr').first();
      await expect(top.locator('td.decision').textContent()).resolves.toMatch(/^allowed by jwt \(<script>window\.__xss=2<\/script>\); backend pets/);
      await expect(page.locator('#requests .ua', { hasText: XSS_UA }).count()).resolves.toBe(1);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('#requests img, #requests script').count()).toBe(0);
      // The charts follow: the status route now has its chart.
      await poll(page, '#charts .chart[data-route="status"] circle', 2);
    });

    it('runs with no console error (the CSP admits its script and style) and refuses another origin', async () => {
      expect(errors).toEqual([]);
      const other = await browser.newPage();
      try {
        await other.goto(o.backend.url);
        const outcome = await other.evaluate(
          (url) =>
            new Promise<string>((resolve) => {
              const es = new EventSource(url);
              es.onopen = () => resolve('open');
              es.onerror = () => resolve(es.readyState === EventSource.CLOSED ? 'refused' : 'error');
            }),
          `${o.dev.url}/__anygate/events`,
        );
        expect(outcome).toBe('refused');
      } finally {
        await other.close();
      }
    });
  });

  describe('the portability page', () => {
    it('renders the matrix with its refused cells, no console error', async () => {
      const spec = toGatewaySpec(parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8')));
      const report = portability(spec, ['aws', 'azure', 'apigee', 'kubernetes']);
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'anygate-html-')), 'portability.html');
      writeFileSync(file, formatPortabilityHtml(report, spec.name));
      const page = await browser.newPage();
      const errors = watchErrors(page);
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      try {
        await page.goto(pathToFileURL(file).href);
        await expect(page.title()).resolves.toBe('Portability: petstore');
        expect(await page.locator('tbody tr').count()).toBe(report.rows.length);
        const refused = page.locator('td.unsupported');
        expect(await refused.count()).toBeGreaterThan(0);
        expect(new Set(await refused.allTextContents())).toEqual(new Set(['refused']));
        expect(await refused.first().evaluate((td) => getComputedStyle(td).backgroundColor)).toBe('rgb(248, 208, 208)');
        expect(await refused.first().getAttribute('title')).toMatch(/\w/);
        expect(await page.locator('td.native').first().evaluate((td) => getComputedStyle(td).backgroundColor)).toBe('rgb(217, 242, 217)');
        await expect(page.locator('h2').textContent()).resolves.toMatch(/^Problems/);
        expect(errors).toEqual([]);
        expect(requests).toEqual([pathToFileURL(file).href]);
      } finally {
        await page.close();
      }
    });
  });
});
