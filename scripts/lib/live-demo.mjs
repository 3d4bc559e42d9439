// @ts-check
/**
 * The page a person can watch (issue #16): the built Connection status element in the runtime emulation, served on
 * 127.0.0.1, fed the values a Bubble page would bind while a real oidc-provider and the built actions go through
 * connected → needs refresh → refreshed → revoked. The page gets only what a builder saves for the element
 * (expires_at, status, refresh_expires_at, scope) over server-sent events; sealed grants and keys stay here.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { callAction, loadAction, toJsonOutputs } from './harness.mjs';
import { checkConnection, connectionsPageHtml } from './connections-page.mjs';
import { elementPageHtml } from './element-page.mjs';
import { authorizeHeadless, DEFAULT_REDIRECT_URI, startOidcServer } from './oidc-server.mjs';

/**
 * @param {{ pluginDir: string, ttl?: number, warnBefore?: number, stepMs?: number }} opts
 * `ttl`: access-token lifetime (s); `warnBefore`: the element's "Warn before" (s); `stepMs`: pause between steps.
 */
export async function startLiveDemo({ pluginDir, ttl = 60, warnBefore = 50, stepMs = 5000 }) {
  const oidc = await startOidcServer({ accessTokenTtl: ttl, dpop: false });
  const client = oidc.clients.find((c) => c.client_id === 'basic-client');
  if (!client?.client_secret) throw new Error('live demo: no basic-client');
  const keys = {
    'Sealing key': randomBytes(32).toString('base64url'),
    Connections: JSON.stringify({ demo: { issuer: oidc.issuer, allow_insecure_http: true, client_id: client.client_id, client_secret: client.client_secret, scopes: 'openid offline_access api:read' } }),
  };
  /** what must never reach the page: keys, and every sealed value the actions returned */
  const secrets = [keys['Sealing key'], client.client_secret];
  /** @param {string} id @param {Record<string, unknown>} props */
  const run = async (id, props) => {
    const out = toJsonOutputs(await callAction(loadAction(pluginDir, id), { connection: 'demo', ...props }, keys));
    for (const k of ['sealed_grant', 'sealed_state']) if (typeof out[k] === 'string') secrets.push(out[k]);
    return out;
  };

  /** @type {Set<import('node:http').ServerResponse>} */
  const streams = new Set();
  let last = '';
  /** @param {string} step @param {Record<string, unknown>} props */
  const push = (step, props) => {
    last = `data: ${JSON.stringify({ step, props })}\n\n`;
    for (const s of streams) s.write(last);
  };
  const html = elementPageHtml({ pluginDir, title: 'Connection status: live demo', live: true, props: { label: 'Demo API', warn_before: warnBefore, warn_reconnect_days: 14 } });
  const server = createServer((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      if (last) res.write(last);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.url === '/connections' && req.method === 'POST') {
      const chunks = /** @type {Buffer[]} */ ([]);
      req.on('data', (c) => chunks.push(c)).on('end', () => {
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        } catch {
          body = undefined;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(checkConnection(body)));
      });
      return;
    }
    const page = req.url === '/' ? html : req.url === '/connections' ? connectionsPageHtml() : undefined;
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(page ?? '');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const url = `http://127.0.0.1:${/** @type {{ port: number }} */ (server.address()).port}/`;
  const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
  /** the element's props from an action's outputs: dates as ms, as the page's runtime turns them into Date */
  const bound = (/** @type {Record<string, unknown>} */ o) => ({
    expires_at: o.expires_at ? Date.parse(String(o.expires_at)) : null,
    refresh_expires_at: o.refresh_expires_at ? Date.parse(String(o.refresh_expires_at)) : null,
    status: o.status,
    ...(o.scope ? { scope: o.scope } : {}),
  });

  /** One pass: connect, wait until the token is inside "Warn before", refresh, revoke. Returns the steps' statuses. */
  async function cycle() {
    push('Signing in…', { expires_at: null, status: null, refresh_expires_at: null });
    const started = await run('start-authorization', { redirect_uri: DEFAULT_REDIRECT_URI });
    const done = await run('complete-authorization', { sealed_state: started.sealed_state, callback_url: await authorizeHeadless(String(started.authorization_url)) });
    push('1. Connected (Complete authorization)', bound(done));
    const expiresAt = Date.parse(String(done.expires_at));
    await sleep(Math.max(0, expiresAt - warnBefore * 1000 - Date.now()) + stepMs);
    push('2. Needs refresh: "Expiring soon" fired, the workflow runs Refresh token', {});
    const refreshed = await run('refresh-token', { sealed_grant: done.sealed_grant, min_validity: warnBefore });
    await sleep(stepMs / 2);
    push('3. Refreshed: a new access token, the rotated refresh token saved', bound(refreshed));
    await sleep(stepMs);
    const revoked = await run('revoke', { sealed_grant: refreshed.sealed_grant });
    const after = await run('refresh-token', { sealed_grant: refreshed.sealed_grant, force: true });
    push('4. Revoked: Refresh token now answers reauthorization_required', { status: after.status });
    return [started.status, done.status, refreshed.refreshed, revoked.status, after.status];
  }

  return {
    url,
    cycle,
    secrets: () => [...secrets],
    async close() {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r(undefined)));
      await oidc.close();
    },
  };
}
