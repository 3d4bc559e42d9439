// @ts-check
/**
 * The Connections builder as a page (served by `npm start` on 127.0.0.1 next to the live demo): a form per mode with
 * the questions of `npm run connections`; the page posts the answers to the same loopback server, which checks them
 * with the actions' own validation and answers the text to paste. Nothing leaves the machine.
 */
import { importTs } from '../../build.mjs';

const { QUESTIONS, answerValue, connectionsJson, isMode } = await importTs('src/tools/connection-builder.ts');
const esc = (/** @type {string} */ s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

export function connectionsPageHtml() {
  const modes = Object.keys(QUESTIONS);
  const sections = modes.map((m) => `<fieldset data-mode="${m}" hidden><legend>${m}</legend>${
    QUESTIONS[m].map((/** @type {{ setting: string, hint: string, required?: boolean }} */ q) => `<label>${esc(q.setting)}${q.required ? ' (required)' : ''}<br><input name="${esc(q.setting)}" placeholder="${esc(q.hint)}" autocomplete="off"></label>`).join('')
  }</fieldset>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Connections builder</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:48rem}label{display:block;margin:.5rem 0}input,select{width:100%;font:inherit}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:1rem}#error{color:#cf222e}</style></head>
<body><main><h1>Connections builder</h1>
<p>Fill in one connection; it is checked exactly as the actions check it, on this machine (127.0.0.1), and nothing is sent anywhere else. Paste the result into the plugin key "Connections".</p>
<form id="f"><label>Connection name<br><input name="__name" value="api"></label>
<label>Mode<br><select name="__mode">${modes.map((m) => `<option>${m}</option>`).join('')}</select></label>${sections}
<button type="submit">Check and show the text to paste</button></form>
<p id="error" role="alert"></p><pre id="out" aria-live="polite"></pre></main>
<script>
const f = document.getElementById('f');
const show = () => document.querySelectorAll('fieldset').forEach((s) => { s.hidden = s.dataset.mode !== f.__mode.value; });
f.__mode.addEventListener('change', show); show();
f.addEventListener('submit', async (e) => {
  e.preventDefault();
  const answers = {};
  for (const i of document.querySelectorAll('fieldset[data-mode="' + f.__mode.value + '"] input')) answers[i.name] = i.value;
  const res = await fetch('/connections', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: f.__name.value, mode: f.__mode.value, answers }) });
  const r = await res.json();
  document.getElementById('error').textContent = r.error ?? '';
  document.getElementById('out').textContent = r.text ?? '';
});
</script></body></html>`;
}

/** POST /connections: { name, mode, answers } → { text } or { error } (the actions' own message: no value in it). */
export function checkConnection(/** @type {unknown} */ body) {
  const { name = 'api', mode = 'oauth_bearer', answers = {} } = /** @type {{ name?: string, mode?: string, answers?: Record<string, string> }} */ (body ?? {});
  if (!isMode(mode)) return { error: `"${String(mode).slice(0, 32)}" is not a mode` };
  /** @type {Record<string, unknown>} */
  const settings = mode === 'oauth_bearer' ? {} : { mode };
  try {
    for (const q of QUESTIONS[mode]) {
      const v = answers[q.setting];
      if (typeof v === 'string' && v.trim() !== '') settings[q.setting] = answerValue(q, v);
    }
    return { text: connectionsJson(String(name), settings) };
  } catch (e) {
    return { error: e instanceof SyntaxError ? 'a JSON setting is not valid JSON' : e instanceof Error ? e.message : String(e) };
  }
}
