// @ts-check
/**
 * A warm Bubble server process for tests: reads JSON-line requests { id, action, props, keys } on stdin,
 * runs the built action in this process (so module state persists between calls, as in a warm Lambda)
 * and writes { id, outputs } or { id, error } lines on stdout ({ id, sharedState: true } asks for
 * sharedStateText(), what the bundles keep on globalThis). Console calls made by an action are
 * captured and returned as `console`, so tests can check them for secrets. Used to run the built actions
 * under Node 18, Bubble's server runtime.
 */
import { createInterface } from 'node:readline';
import { callAction, loadAction, sharedStateText, toJsonOutputs } from './harness.mjs';

const pluginDir = process.argv[2];
if (!pluginDir) throw new Error('usage: harness-worker.mjs <dist/plugin>');
/** @type {Map<string, import('./harness.mjs').LoadedAction>} */
const loaded = new Map();
/** @type {string[]} */
const captured = [];
const write = process.stdout.write.bind(process.stdout);
for (const level of /** @type {const} */ (['log', 'info', 'warn', 'error', 'debug'])) {
  console[level] = (...args) => void captured.push(args.map(String).join(' '));
}

write(`${JSON.stringify({ hello: process.version })}\n`);
createInterface({ input: process.stdin }).on('line', async (line) => {
  const req = JSON.parse(line);
  if (req.sharedState) return write(`${JSON.stringify({ id: req.id, sharedState: await sharedStateText(), console: [] })}\n`);
  try {
    const action = loaded.get(req.action) ?? loadAction(pluginDir, req.action);
    loaded.set(req.action, action);
    const outputs = toJsonOutputs(await callAction(action, req.props, req.keys));
    write(`${JSON.stringify({ id: req.id, outputs, console: captured.splice(0) })}\n`);
  } catch (e) {
    write(`${JSON.stringify({ id: req.id, error: e instanceof Error ? e.message : String(e), console: captured.splice(0) })}\n`);
  }
});
