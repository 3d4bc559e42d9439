// @ts-check
/**
 * Figure, per built file: bytes against DESIGN §7's budgets — each server action's server.js (shipped and staged)
 * against 64 KB, each element file against 8 KB. Read from the build, not computed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { result } from '../lib.mjs';

const SERVER = 64 * 1024;
const ELEMENT = 8 * 1024;

/** @type {import('../lib.mjs').Figure} */
export default {
  id: 'bundle-size',
  async run({ pluginDir }) {
    /** @type {[string, number, number][]} */
    const files = [];
    for (const root of [pluginDir, join(pluginDir, '..', 'staged')]) {
      const actions = join(root, 'actions');
      if (!existsSync(actions)) continue;
      for (const f of readdirSync(actions)) files.push([`${f.replace(/-[0-9a-z]+$/, '').replace(/_/g, '-')} server.js`, statSync(join(actions, f, 'server.js')).size, SERVER]);
    }
    const elements = join(pluginDir, 'elements');
    for (const e of existsSync(elements) ? readdirSync(elements) : []) {
      for (const file of ['initialize', 'update', 'preview', 'reset']) files.push([`${e.replace(/-[0-9a-z]+$/, '').replace(/_/g, '-')} ${file}.js`, statSync(join(elements, e, `${file}.js`)).size, ELEMENT]);
    }
    return files.map(([name, bytes, budget]) => result({
      figure: `bytes: ${name} / ${budget / 1024} KB budget`,
      unit: 'bytes', target: '≤ 1.0×',
      samples: { ours: [bytes], peer: [budget], ratios: [bytes / budget] },
      met: ({ ratio }) => ratio <= 1,
    }));
  },
};
