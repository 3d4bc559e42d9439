// @ts-check
/**
 * CLI (DESIGN §8, a stable contract):
 *   npm run action -- <action-id-or-folder> --keys <keys.json> --props <props.json>
 * Prints the outputs as one JSON object on stdout and exits 0; a thrown error prints its (redacted)
 * message on stderr and exits 1. Builds dist/plugin first when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callAction, loadAction, toJsonOutputs } from './lib/harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLUGIN = join(ROOT, 'dist', 'plugin');

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ action?: string, keys?: string, props?: string }} */
  const a = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--keys' || arg === '--props') a[arg === '--keys' ? 'keys' : 'props'] = argv[++i];
    else if (arg && !arg.startsWith('--') && !a.action) a.action = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (!a.action) throw new Error('usage: npm run action -- <action> --keys <keys.json> --props <props.json>');
  return a;
}

/** @param {string | undefined} path @param {string} what */
function readJsonObject(path, what) {
  if (!path) return {};
  let v;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`${what} file is missing or not valid JSON`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what} file must hold a JSON object`);
  return v;
}

try {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(PLUGIN, 'actions'))) {
    const b = spawnSync(process.execPath, [join(ROOT, 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.status !== 0) throw new Error('build failed');
  }
  const keys = readJsonObject(args.keys, 'keys');
  for (const [caption, value] of Object.entries(keys)) {
    if (typeof value === 'string') continue;
    const how = caption === 'Connections' ? ' — Bubble hands over the pasted text, so write the Connections object as a JSON string: "Connections": "{\"crm\": {…}}"' : '';
    throw new Error(`keys file: the value of "${caption}" must be a string (the text a builder pastes into the key), not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}${how}`);
  }
  const props = readJsonObject(args.props, 'props');
  const action = loadAction(PLUGIN, /** @type {string} */ (args.action));
  const outputs = await callAction(action, props, keys);
  process.stdout.write(`${JSON.stringify(toJsonOutputs(outputs))}\n`);
} catch (e) {
  // Messages of our own errors are redacted at the source; never print a stack (it may quote inputs).
  process.stderr.write(`${e instanceof Error ? e.message : 'error'}\n`);
  process.exitCode = 1;
}
