// @ts-check
/**
 * The page that hosts a built element in the runtime emulation (scripts/lib/element-runtime.js): one HTML document
 * with jQuery, the emulation and the element's built files inline, so loading it is the page's only request. With
 * `live`, the page also opens `/events` (server-sent events from the demo) for the values a Bubble page would bind
 * (expires_at, status, refresh_expires_at, scope): the same non-secret values a builder saves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The built files of an element folder (dist/plugin/elements/<id>-<tok>). @param {string} pluginDir @param {string} id */
export function elementFiles(pluginDir, id) {
  const root = join(pluginDir, 'elements');
  const folder = readdirSync(root).find((f) => f.replace(/-[0-9a-z]+$/, '') === id);
  if (!folder) throw new Error(`no element ${id} in ${root}: run npm run build`);
  const dir = join(root, folder);
  const read = (/** @type {string} */ f) => readFileSync(join(dir, f), 'utf8');
  /** @type {Record<string, string>} */
  const states = {};
  for (const s of readdirSync(join(dir, 'states'))) states[s.replace(/-[0-9a-z]+$/, '').replace(`${id}_`, '')] = read(join('states', s, 'initialization.js'));
  return { initialize: read('initialize.js'), update: read('update.js'), preview: read('preview.js'), reset: read('reset.js'), states };
}

/** `<script>` content cannot contain `</script`: JSON and code are escaped for it. @param {string} s */
const inScript = (s) => s.replace(/<\/(script)/gi, '<\\/$1');

/**
 * @param {{ pluginDir: string, title: string, props?: Record<string, unknown>, live?: boolean }} opts
 * `props`: the first properties (dates as ms); `live`: follow /events.
 */
export function elementPageHtml({ pluginDir, title, props = {}, live = false }) {
  const jquery = readFileSync(join(dirname(require.resolve('jquery')), 'jquery.min.js'), 'utf8');
  const runtime = readFileSync(join(HERE, 'element-runtime.js'), 'utf8');
  const files = elementFiles(pluginDir, 'connection_status');
  const boot = `
const R = window.BubbleElementRuntime;
const logList = document.getElementById('log');
const show = (e) => {
  const li = document.createElement('li');
  li.textContent = new Date(e.at).toLocaleTimeString() + '  ' + (e.kind === 'event' ? 'event ' + e.name : e.name + ' = ' + JSON.stringify(e.value));
  logList.prepend(li);
};
window.element = R.mount(document.getElementById('element'), ${inScript(JSON.stringify(files))}, show);
let current = ${inScript(JSON.stringify(props))};
window.setProps = (values) => { current = { ...current, ...values }; window.element.update(R.properties(current)); };
// Bubble's first update carries the bound values: none bound yet, no update yet
if (Object.keys(current).length) window.setProps({});
${live ? `const es = new EventSource('/events');
es.onmessage = (m) => { const v = JSON.parse(m.data); document.getElementById('step').textContent = v.step; window.setProps(v.props); };` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:48rem}#element{padding:.5rem 0;min-height:2rem}
#log{font:13px/1.4 ui-monospace,monospace;color:#444;max-height:20rem;overflow:auto}</style>
<script>${inScript(jquery)}</script><script>${inScript(runtime)}</script></head>
<body><main><h1>${title}</h1>
<p>The <em>Connection status</em> element as Bubble runs it: the built files in an emulation of the element runtime.</p>
<p id="step" aria-live="polite"></p>
<div id="element"></div>
<h2>States and events</h2><ol id="log"></ol></main>
<script>${inScript(boot)}</script></body></html>`;
}
