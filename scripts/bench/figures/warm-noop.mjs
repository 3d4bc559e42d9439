// @ts-check
/**
 * Figure: warm no-op refresh, whole action. The built refresh-token action, loaded once and called
 * through the harness with a grant whose access token is valid for an hour (it opens the grant and
 * returns, no network), against jose's compactDecrypt of the same sealed grant with the same derived
 * key: what a jose-based plugin pays for the decrypt alone.
 */
import { compactDecrypt } from 'jose';
import { callAction, loadAction } from '../../lib/harness.mjs';
import { OFFLINE_CONNECTION, benchKeys, grantKey, offlineSealProps, sealGrant } from '../fixtures.mjs';
import { measureMicro, result } from '../lib.mjs';

/** @type {import('../lib.mjs').Figure} */
export default {
  id: 'warm-noop',
  async run({ root, pluginDir, quick }) {
    const keys = benchKeys({ bench: OFFLINE_CONNECTION });
    const sealed = await sealGrant(pluginDir, keys, offlineSealProps('bench'));
    const key = await grantKey(root, keys['Sealing key']);
    const action = loadAction(pluginDir, 'refresh-token');
    const props = { connection: 'bench', sealed_grant: sealed };

    const ours = async () => {
      const out = await callAction(action, props, keys);
      if (out.status !== 'ok' || out.refreshed !== false) throw new Error(`warm no-op refresh answered ${String(out.status)}/${String(out.error_code)}`);
    };
    const peer = async () => {
      const { plaintext } = await compactDecrypt(sealed, key);
      if (plaintext.length === 0) throw new Error('empty plaintext');
    };
    const samples = await measureMicro({ ours, peer, batchMs: quick ? 8 : 25, rounds: quick ? 9 : 61, warmup: quick ? 2 : 6 });
    return [result({
      figure: 'warm no-op refresh (whole action) / jose compactDecrypt',
      unit: 'µs', target: '≤ 0.6×',
      samples,
      met: ({ ratio }) => ratio <= 0.6,
    })];
  },
};
