// @ts-check
/**
 * Figures of coordination, against the local oidc-provider (rotation on, own process):
 * - 100 concurrent Refresh token calls of one expired grant in one process → exactly one token request;
 * - 4 Node 18 processes × 25 calls with the lock store (a real redis-server behind the test REST bridge) → one;
 * - a refresh with the lock store against one without (the store's round trips), interleaved.
 * The lock-store figures need redis-server; without it they are left out and the log says so.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { callAction, loadAction } from '../../lib/harness.mjs';
import { obtainGrant } from '../../lib/oidc-server.mjs';
import { benchKeys, sealGrant, startOidcChild } from '../fixtures.mjs';
import { interleave, result, timed } from '../lib.mjs';

/**
 * A test-support TypeScript module, bundled with its packages left external and written next to its source (so its
 * packages and its own relative paths resolve), imported, then removed. @param {string} root @param {string} path
 */
async function importSupport(root, path) {
  const file = join(root, dirname(path), `.bench-${basename(path, '.ts')}.mjs`);
  await esbuild.build({ entryPoints: [join(root, path)], bundle: true, format: 'esm', platform: 'node', packages: 'external', outfile: file });
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}

/** @param {string} figure @param {number} count */
const exactlyOne = (figure, count) => result({
  figure, unit: 'token requests', target: '= 1 token request',
  samples: { ours: [count], peer: [1], ratios: [count] }, met: ({ ours }) => ours === 1,
});

/** @type {import('../lib.mjs').Figure} */
export default {
  id: 'coordination',
  async run({ root, pluginDir, quick, log }) {
    const oidc = await startOidcChild();
    try {
      const { server, client } = oidc;
      const connection = { issuer: server.issuer, token_endpoint: server.tokenEndpoint, allow_insecure_http: true, client_id: client.id, client_secret: client.secret, token_auth: 'client_secret_basic' };
      const keys = benchKeys({ bench: connection });
      /** A fresh user grant whose access token has expired, sealed by the built Seal existing token. */
      const expired = async () => {
        const t = await obtainGrant({ issuer: server.issuer, clientId: client.id, clientSecret: client.secret, tokenAuth: 'client_secret_basic', scope: 'api:read' });
        return sealGrant(pluginDir, keys, { connection: 'bench', access_token: t.access_token, refresh_token: t.refresh_token, expires_at: new Date(Date.now() - 1000).toISOString() });
      };
      const action = loadAction(pluginDir, 'refresh-token');
      /** @type {import('../lib.mjs').FigureResult[]} */
      const results = [];

      const one = await expired();
      let before = await oidc.tokenRequests();
      const outs = await Promise.all(Array.from({ length: 100 }, () => callAction(action, { connection: 'bench', sealed_grant: one }, keys)));
      if (outs.some((o) => o.status !== 'ok')) throw new Error('a concurrent refresh failed');
      results.push(exactlyOne('100 concurrent expired-grant refreshes, one process: token requests', (await oidc.tokenRequests()) - before));

      if (spawnSync('redis-server', ['--version']).status !== 0) {
        log('bench: coordination: the lock-store figures need redis-server (sudo apt-get install -y redis-server): left out');
        return results;
      }
      const { startRedisStore } = await importSupport(root, 'test/support/redis-store.ts');
      const { workerRunner } = await importSupport(root, 'test/support/runner.ts');
      const store = await startRedisStore();
      try {
        const shared = { ...keys, ...store.keys() };
        const workers = [workerRunner(), workerRunner(), workerRunner(), workerRunner()];
        try {
          await Promise.all(workers.map((w) => w.version()));
          const grant = await expired();
          before = await oidc.tokenRequests();
          const runs = await Promise.all(workers.flatMap((w) => Array.from({ length: 25 }, () => w.run('refresh-token', { connection: 'bench', sealed_grant: grant }, shared))));
          if (runs.some((r) => r.outputs?.status !== 'ok')) throw new Error('a coordinated refresh failed');
          results.push(exactlyOne('4 processes × 25 expired-grant refreshes, lock store: token requests', (await oidc.tokenRequests()) - before));
        } finally {
          await Promise.all(workers.map((w) => w.close()));
        }

        // two rotating chains, one coordinated through the store, one per process
        let withStore = await expired();
        let without = await expired();
        const step = (/** @type {'store' | 'local'} */ side) => async () => {
          const out = await callAction(action, { connection: 'bench', sealed_grant: side === 'store' ? withStore : without, force: true }, side === 'store' ? shared : keys);
          if (out.status !== 'ok' || out.refreshed !== true) throw new Error(`refresh (${side}) answered ${String(out.status)}/${String(out.error_code)}`);
          if (side === 'store') withStore = String(out.sealed_grant);
          else without = String(out.sealed_grant);
        };
        const batch = quick ? 2 : 8;
        const samples = await interleave({ ours: timed(step('store'), batch), peer: timed(step('local'), batch), rounds: quick ? 5 : 41, warmup: quick ? 1 : 4 });
        results.push(result({
          figure: 'refresh with the lock store (redis-server) / without', unit: 'ms', target: '≤ 1.3×', samples, met: ({ ratio }) => ratio <= 1.3,
        }));
      } finally {
        await store.close();
      }
      return results;
    } finally {
      await oidc.close();
    }
  },
};
