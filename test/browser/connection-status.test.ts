/**
 * The built Connection status element in a real browser (Debian chromium via playwright-core), hosted by the
 * runtime emulation: Playwright's clock moves time, the test reads what the element published and fired.
 * UPDATE_SCREENSHOTS=1 writes docs/element/*.png (one per state) instead of only checking they exist.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { elementPageHtml } from '../../scripts/lib/element-page.mjs';
import { HAS_BROWSER, launchBrowser } from '../support/browser.ts';
import { PLUGIN_DIR } from '../support/runner.ts';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
const DOCS = fileURLToPath(new URL('../../docs/element/', import.meta.url));
let server: Server;
let url = '';
let browser: Browser;
let page: Page;
const requests: string[] = [];
const consoleLines: string[] = [];

beforeAll(async () => {
  if (!HAS_BROWSER) return;
  const html = elementPageHtml({ pluginDir: PLUGIN_DIR, title: 'Connection status' });
  server = createServer((req, res) => {
    res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(req.url === '/' ? html : '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
});

beforeEach(async () => {
  if (!HAS_BROWSER) return;
  await page?.close();
  page = await browser.newPage({ viewport: { width: 480, height: 160 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => consoleLines.push(m.text()));
  await page.clock.install({ time: T0 - 60_000 });
  await page.goto(url);
  // time stands still at T0 from here; each test moves it
  await page.clock.pauseAt(T0);
});

const set = (props: Record<string, unknown>) => page.evaluate((p) => (window as unknown as { setProps(v: unknown): void }).setProps(p), props);
const log = () => page.evaluate(() => (window as unknown as { element: { log: { states: Record<string, unknown>; events: string[]; entries: unknown[] } } }).element.log);
const count = (events: string[], name: string) => events.filter((e) => e === name).length;
const badge = () => page.locator('[data-connection-status]');
const connected = { expires_at: T0 + 400_000, status: 'ok', refresh_expires_at: T0 + 20 * DAY, warn_before: 300, warn_reconnect_days: 14, label: 'Demo API', scope: 'openid api:read' };

describe.skipIf(!HAS_BROWSER)('Connection status element (chromium)', () => {
  it('starts from its states\' initial values, then shows a connected account', async () => {
    expect((await log()).states).toMatchObject({ is_connected: false, status_label: 'Not connected', expires_in_seconds: null });
    await set(connected);
    expect((await log()).states).toEqual({ is_connected: true, is_expired: false, expires_in_seconds: 400, needs_refresh: false, status_label: 'Connected', reconnect_in_days: 20 });
    expect((await log()).events).toEqual([]);
    expect(await badge().textContent()).toBe('Demo API: Connected');
  });

  it('expiring_soon once at the warn_before line, expired once at 0; the count goes down each second', async () => {
    await set(connected);
    await page.clock.runFor(99_000);
    expect((await log()).states).toMatchObject({ expires_in_seconds: 301, needs_refresh: false });
    expect((await log()).events).toEqual([]);
    await page.clock.runFor(2_000);
    expect((await log()).states).toMatchObject({ expires_in_seconds: 299, needs_refresh: true, status_label: 'Expires in 4 min' });
    expect((await log()).events).toEqual(['expiring_soon']);
    await page.clock.runFor(2 * MIN);
    expect(count((await log()).events, 'expiring_soon')).toBe(1);
    await page.clock.runFor(3 * MIN);
    const l = await log();
    expect(l.states).toMatchObject({ is_expired: true, expires_in_seconds: 0, is_connected: true, status_label: 'Expired: refresh needed' });
    expect(l.events).toEqual(['expiring_soon', 'expired']);
    await page.clock.runFor(MIN);
    expect((await log()).events).toEqual(['expiring_soon', 'expired']);
  });

  it('a refreshed grant re-arms the events: the next crossing fires again', async () => {
    await set(connected);
    await page.clock.runFor(2 * MIN);
    expect((await log()).events).toEqual(['expiring_soon']);
    await set({ expires_at: T0 + 2 * MIN + 3600_000 });
    expect((await log()).states).toMatchObject({ needs_refresh: false, status_label: 'Connected' });
    await page.clock.runFor(56 * MIN);
    expect((await log()).events).toEqual(['expiring_soon', 'expiring_soon']);
  });

  it('status_changed when the status input changes, not when it stays; reauthorization_required disconnects', async () => {
    await set(connected);
    await set({ status: 'ok' });
    expect((await log()).events).toEqual([]);
    await set({ status: 'temporarily_unavailable' });
    expect((await log()).events).toEqual(['status_changed']);
    expect(await badge().textContent()).toBe('Demo API: Service unavailable');
    await set({ status: 'reauthorization_required' });
    expect((await log()).events).toEqual(['status_changed', 'status_changed']);
    expect((await log()).states).toMatchObject({ is_connected: false, needs_refresh: false, status_label: 'Reconnect needed' });
  });

  it('reconnect_soon once when refresh_expires_at comes within warn_reconnect_days', async () => {
    await set({ ...connected, expires_at: T0 + 400 * DAY, refresh_expires_at: T0 + 15 * DAY + 30 * MIN });
    expect((await log()).states).toMatchObject({ reconnect_in_days: 16 });
    await page.clock.fastForward(DAY);
    expect((await log()).states).toMatchObject({ reconnect_in_days: 15 });
    expect((await log()).events).toEqual([]);
    await page.clock.fastForward(DAY);
    expect((await log()).states).toMatchObject({ reconnect_in_days: 14, status_label: 'Reconnect within 14 days' });
    expect((await log()).events).toEqual(['reconnect_soon']);
    await page.clock.fastForward(DAY);
    expect(count((await log()).events, 'reconnect_soon')).toBe(1);
    await page.clock.fastForward(14 * DAY);
    expect((await log()).states).toMatchObject({ is_connected: false, status_label: 'Reconnect needed', reconnect_in_days: 0 });
  });

  it('reset stops the clock: nothing is published or fired afterwards', async () => {
    await set(connected);
    await page.evaluate(() => (window as unknown as { element: { reset(): void } }).element.reset());
    const before = (await log()).entries.length;
    await page.clock.runFor(10 * MIN);
    expect((await log()).entries.length).toBe(before);
  });

  it('a hidden page does not tick; it catches up when visible again', async () => {
    await set(connected);
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    });
    const before = (await log()).entries.length;
    await page.clock.runFor(30_000);
    expect((await log()).entries.length).toBe(before);
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect((await log()).states).toMatchObject({ expires_in_seconds: 370 });
  });

  it('the badge says its state in words, with an accessible name; colours follow the fields', async () => {
    await set({ ...connected, ok_color: 'rgb(0, 0, 255)' });
    const b = badge();
    expect(await b.getAttribute('role')).toBe('status');
    expect(await b.getAttribute('aria-label')).toBe('Connection status: Demo API: Connected. Scope: openid api:read');
    expect(await b.locator('[aria-hidden="true"]').evaluate((d) => getComputedStyle(d).backgroundColor)).toBe('rgb(0, 0, 255)');
    await set({ show_badge: false });
    expect(await b.isHidden()).toBe(true);
    expect((await log()).states).toMatchObject({ is_connected: true });
  });

  it('property text is shown as text, never parsed as HTML', async () => {
    await set({ ...connected, label: '<img src=x onerror="window.pwned=1">' });
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
  });

  it('the editor preview draws the badge without publishing anything', async () => {
    const view = await page.evaluate(() => {
      const w = window as unknown as { element: { preview(p: unknown): void; log: { entries: unknown[] } } };
      const before = w.element.log.entries.length;
      w.element.preview({ label: 'Preview' });
      return { text: document.querySelector('[data-connection-status]')?.textContent, published: w.element.log.entries.length - before };
    });
    expect(view).toEqual({ text: 'Preview: Connected', published: 0 });
  });

  it('screenshots of each state (docs/element/), and the page loads nothing but itself', async () => {
    const shots: [string, Record<string, unknown>, number][] = [
      ['connected', connected, 0],
      ['expiring', connected, 2 * MIN],
      ['expired', connected, 8 * MIN],
      ['reconnect-soon', { ...connected, expires_at: T0 + 400 * DAY, refresh_expires_at: T0 + 5 * DAY }, 0],
      ['reconnect-needed', { ...connected, status: 'reauthorization_required' }, 0],
      ['not-connected', { ...connected, expires_at: null }, 0],
    ];
    for (const [name, props, after] of shots) {
      await page.reload();
      await set(props);
      if (after) await page.clock.runFor(after);
      const file = `${DOCS}${name}.png`;
      if (process.env.UPDATE_SCREENSHOTS === '1') {
        mkdirSync(DOCS, { recursive: true });
        await page.locator('#element').screenshot({ path: file });
      }
      expect(existsSync(file), `${file} (UPDATE_SCREENSHOTS=1 writes it)`).toBe(true);
    }
    expect(new Set(requests)).toEqual(new Set([url]));
    expect(consoleLines).toEqual([]);
  });
});
