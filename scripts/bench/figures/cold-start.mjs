// @ts-check
/**
 * Figure, per built action: cold read + eval + first call on Node 18 (Bubble's server runtime). Each
 * sample is a fresh Node 18 process that times itself (scripts/bench/cold-child.mjs): readFileSync of
 * server.js, evaluation as the harness does, first call with realistic inputs and no network (refresh-token:
 * a valid grant; seal-token: a seal; start-authorization: a preset's URL; complete-authorization and revoke: an
 * unusable state / grant, answered after the keys and connection are checked). The peer is a minimal function file of the same shape
 * (node:crypto HMAC, returns an object), measured the same way. Process spawns are interleaved.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAction } from '../../lib/harness.mjs';
import { ensureNode18 } from '../../lib/node18.mjs';
import { OFFLINE_CONNECTION, benchKeys, offlineSealProps, sealGrant } from '../fixtures.mjs';
import { interleave, result } from '../lib.mjs';

const CHILD = fileURLToPath(new URL('../cold-child.mjs', import.meta.url));
const TARGET_MS = 12;

/** The peer: the smallest useful server action, same shape as ours (one async function expression). */
const MINIMAL_ACTION = `async function(properties, context) {
  const crypto = require('crypto');
  const mac = crypto.createHmac('sha256', context.keys['Sealing key']).update(String(properties.connection)).digest('base64url');
  return { status: 'ok', sealed_grant: mac, error_code: null, error_message: null };
}`;

/** @type {import('../lib.mjs').Figure} */
export default {
  id: 'cold-start',
  async run({ pluginDir, quick }) {
    const node18 = ensureNode18();
    const dir = mkdtempSync(join(tmpdir(), 'bsa-bench-'));
    try {
      const keys = benchKeys({ bench: OFFLINE_CONNECTION, google: { preset: 'google', client_id: 'x', client_secret: 'y' },
        key: { mode: 'api_key', api_key: 'k-123456', api_base_url: 'http://127.0.0.1:9/v1', allow_insecure_http: true } });
      const minimal = join(dir, 'minimal.js');
      writeFileSync(minimal, MINIMAL_ACTION);
      const sealed = await sealGrant(pluginDir, keys, offlineSealProps('bench'));
      const cases = [
        { name: 'refresh-token', props: { connection: 'bench', sealed_grant: sealed }, status: 'ok' },
        { name: 'seal-token', props: offlineSealProps('bench'), status: 'ok' },
        { name: 'start-authorization', props: { connection: 'google', redirect_uri: 'https://app.example/cb' }, status: 'ok' },
        { name: 'complete-authorization', props: { connection: 'google', sealed_state: 'x', callback_url: 'https://app.example/cb?code=c&state=s' }, status: 'reauthorization_required' },
        { name: 'revoke', props: { connection: 'bench', sealed_grant: 'x' }, status: 'reauthorization_required' },
        { name: 'review-configuration', props: {}, status: 'ok' },
        // config, keys and egress, refused before any request (the network is not part of a cold start)
        { name: 'call-api', props: { connection: 'key', path: '/../x' }, status: 'rejected' },
      ];
      /** @type {import('../lib.mjs').FigureResult[]} */
      const results = [];
      for (const c of cases) {
        const action = loadAction(pluginDir, c.name);
        const oursSpec = join(dir, `${c.name}.json`);
        const peerSpec = join(dir, `${c.name}-minimal.json`);
        writeFileSync(oursSpec, JSON.stringify({ file: join(action.dir, 'server.js'), params: join(action.dir, 'params.json'), props: c.props, keys }));
        writeFileSync(peerSpec, JSON.stringify({ file: minimal, props: c.props, keys }));
        /** @param {string} spec */
        const sample = (spec) => async () => {
          const r = spawnSync(node18, [CHILD, spec], { encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`cold sample failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
          const out = JSON.parse(r.stdout);
          if (out.status !== (spec === peerSpec ? 'ok' : c.status)) throw new Error(`cold sample of ${spec} answered ${out.status}`);
          return /** @type {number} */ (out.ms);
        };
        const samples = await interleave({ ours: sample(oursSpec), peer: sample(peerSpec), rounds: quick ? 4 : 25, warmup: 1 });
        results.push(result({
          figure: `cold read+eval+first call, Node 18: ${c.name} / minimal function`,
          unit: 'ms', target: `≤ ${TARGET_MS} ms`, samples, met: ({ ours }) => ours <= TARGET_MS,
        }));
      }
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
