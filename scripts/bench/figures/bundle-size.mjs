// @ts-check
/** Figure: bytes of the built refresh-token server.js against the 40 KB budget of DESIGN §7. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAction } from '../../lib/harness.mjs';
import { result } from '../lib.mjs';

const BUDGET = 40 * 1024;

/** @type {import('../lib.mjs').Figure} */
export default {
  id: 'bundle-size',
  async run({ pluginDir }) {
    const bytes = statSync(join(loadAction(pluginDir, 'refresh-token').dir, 'server.js')).size;
    return [result({
      figure: 'refresh-token server.js bytes / 40 KB budget',
      unit: 'bytes', target: '≤ 1.0×',
      samples: { ours: [bytes], peer: [BUDGET], ratios: [bytes / BUDGET] },
      met: ({ ratio }) => ratio <= 1,
    })];
  },
};
