// @ts-check
/**
 * Figure: a warm signed call — the built Call API (staged) in oauth_bearer mode with a valid grant (opened on every
 * call, no refresh), to a loopback API, against a raw `fetch` of the same URL with a fixed Authorization header.
 * Call API opens a fresh connection per request (the address check runs in each connection's own lookup); fetch
 * keeps its connection alive: the figure shows what that and the grant, egress and redaction work cost together.
 */
import { createServer } from 'node:http';
import { callAction, loadAction } from '../../lib/harness.mjs';
import { benchKeys, offlineSealProps, sealGrant } from '../fixtures.mjs';
import { measureMicro, result } from '../lib.mjs';

/** @type {import('../lib.mjs').Figure} */
export default {
  id: 'signed-call',
  async run({ pluginDir, quick }) {
    const api = createServer((req, res) => {
      req.resume();
      res.writeHead(req.headers.authorization?.startsWith('Bearer at-') ? 200 : 401, { 'content-type': 'application/json' }).end('{"items":[{"id":"a1"}]}');
    });
    await new Promise((r) => api.listen(0, '127.0.0.1', () => r(undefined)));
    try {
      const base = `http://127.0.0.1:${/** @type {{ port: number }} */ (api.address()).port}/v1`;
      const keys = benchKeys({ bench: { token_endpoint: 'http://127.0.0.1:9/token', client_id: 'x', client_secret: 'y', allow_insecure_http: true, api_base_url: base } });
      const props = offlineSealProps('bench');
      const sealed = await sealGrant(pluginDir, keys, props);
      const action = loadAction(pluginDir, 'call-api');
      const ours = async () => {
        const out = await callAction(action, { connection: 'bench', sealed_grant: sealed, path: '/items', fields: ['items.0.id'] }, keys);
        if (out.status_code !== 200) throw new Error(`call-api answered ${String(out.status)}/${String(out.error_code)}/${String(out.status_code)}`);
      };
      const peer = async () => {
        const res = await fetch(`${base}/items`, { headers: { authorization: `Bearer ${props.access_token}` } });
        if (res.status !== 200) throw new Error(`fetch answered ${res.status}`);
        await res.json();
      };
      const samples = await measureMicro({ ours, peer, batchMs: quick ? 10 : 30, rounds: quick ? 7 : 41, warmup: quick ? 1 : 4 });
      return [result({
        figure: 'warm signed call, bearer, grant opened each call (built call-api) / raw fetch with a fixed header',
        unit: 'µs', target: '≤ 1.10×',
        samples,
        met: ({ ratio }) => ratio <= 1.1,
      })];
    } finally {
      api.closeAllConnections();
      await new Promise((r) => api.close(() => r(undefined)));
    }
  },
};
