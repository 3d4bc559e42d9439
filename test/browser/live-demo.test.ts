/**
 * The live demo page (npm start) in chromium while the demo connects, refreshes and revokes for real through the
 * built actions and oidc-provider: the element follows (connected → needs refresh → refreshed → reconnect needed),
 * and neither the DOM, nor any JS value reachable from window, nor any console line holds a key or a sealed value —
 * in any decoded form. The page's only requests are itself and its event stream.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveDemo } from '../../scripts/lib/live-demo.mjs';
import { HAS_BROWSER, launchBrowser } from '../support/browser.ts';
import { decodedForms } from '../support/canary.ts';
import { PLUGIN_DIR } from '../support/runner.ts';

let browser: Browser;
let demo: Awaited<ReturnType<typeof startLiveDemo>>;
beforeAll(async () => {
  if (!HAS_BROWSER) return;
  browser = await launchBrowser();
  demo = await startLiveDemo({ pluginDir: PLUGIN_DIR, ttl: 14, warnBefore: 6, stepMs: 1500 });
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** Every string reachable from window (own properties, 5 levels, DOM nodes as their text). */
const everythingInThePage = () => {
  const out: string[] = [document.documentElement.outerHTML];
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === 'string') return void out.push(v);
    if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return;
    if (typeof v === 'function') return void out.push(Function.prototype.toString.call(v));
    if (typeof v !== 'object' || seen.has(v) || depth > 5) return;
    seen.add(v);
    if (v instanceof Node) return void out.push(v.textContent ?? '');
    for (const k of Object.getOwnPropertyNames(v)) {
      try {
        walk((v as Record<string, unknown>)[k], depth + 1);
      } catch {
        // a getter that throws holds nothing we could read either
      }
    }
  };
  for (const k of Object.getOwnPropertyNames(window)) {
    try {
      walk((window as unknown as Record<string, unknown>)[k], 0);
    } catch {
      // cross-origin or throwing globals
    }
  }
  return out.join('\n');
};

describe.skipIf(!HAS_BROWSER)('live demo page (chromium, real OAuth server)', () => {
  it('follows a real connection and never holds a secret', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const consoleLines: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.goto(demo.url);
    const labels: string[] = [];
    const badge = page.locator('[data-connection-status]');
    const run = demo.cycle();
    const seenLabel = async (re: RegExp) => {
      await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-connection-status]')?.textContent ?? ''), re.source, { timeout: 20_000 });
      labels.push((await badge.textContent()) ?? '');
    };
    await seenLabel(/Demo API: Connected/);
    await seenLabel(/Demo API: Expires in \d+ s/);
    await seenLabel(/Demo API: Connected/);
    await seenLabel(/Demo API: Reconnect needed/);
    expect(await run).toEqual(['ok', 'ok', true, 'ok', 'reauthorization_required']);
    const events = await page.evaluate(() => (window as unknown as { element: { log: { events: string[] } } }).element.log.events);
    expect(events).toEqual(expect.arrayContaining(['expiring_soon', 'status_changed']));
    expect(events.filter((e) => e === 'expiring_soon')).toHaveLength(1);

    const text = `${await page.evaluate(everythingInThePage)}\n${consoleLines.join('\n')}`;
    const secrets = demo.secrets();
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const form of decodedForms(text)) {
      for (const s of secrets) expect(form.includes(s.slice(0, 24)), 'a key or sealed value reached the page').toBe(false);
    }
    expect(new Set(requests)).toEqual(new Set([demo.url, `${demo.url}events`]));
    await page.close();
  }, 60_000);

  it('the Connections builder page checks a connection as the actions do and talks to no one but its own loopback server', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
    await page.goto(`${demo.url}connections`);
    await page.selectOption('select[name="__mode"]', 'api_key');
    const section = page.locator('fieldset[data-mode="api_key"]');
    await section.locator('input[name="api_key"]').fill('k-123456789');
    await section.locator('input[name="api_base_url"]').fill('https://api.example.com/v1');
    await section.locator('input[name="allowed_methods"]').fill('GET');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== '');
    expect(JSON.parse((await page.textContent('#out'))!)).toEqual({ api: { mode: 'api_key', api_key: 'k-123456789', api_base_url: 'https://api.example.com/v1', allowed_methods: ['GET'] } });
    await section.locator('input[name="api_base_url"]').fill('http://api.example.com/v1');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('error')?.textContent !== '');
    expect(await page.textContent('#error')).toMatch(/api_base_url/);
    expect(await page.textContent('#error')).not.toContain('k-123456789');
    expect(new Set(requests)).toEqual(new Set([`GET ${demo.url}connections`, `POST ${demo.url}connections`]));
    await page.close();
  });
});
