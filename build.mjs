// @ts-check
/**
 * Builds dist/plugin/ in Bubble's GitHub-sync layout from the typed manifest (plugin/) and the action
 * sources (actions/<folder>/index.ts), then checks what it wrote. Any failed check exits non-zero.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { bubbleFolder, bubbleJson, ID_PATTERN } from './scripts/lib/bubble-format.mjs';
import { checkFunctionExpression } from './scripts/lib/check-js.mjs';
import { clientFiles, findClientLeaks, forbiddenClientTexts } from './scripts/lib/leak-check.mjs';
import { renderErrorsDoc, renderReference } from './scripts/lib/docs.mjs';

const ROOT = dirname(fileURLToPath(import.meta.url));
/** dist/plugin, or `--out DIR` (a test builds elsewhere so it never swaps files under other suites). */
const OUT = process.argv.includes('--out') ? resolve(process.argv[process.argv.indexOf('--out') + 1] ?? '') : join(ROOT, 'dist', 'plugin');
/** Actions built and tested but not shipped (Manifest.staged), in the same layout, next to the plugin. */
const STAGED = join(dirname(OUT), 'staged');
/** Issue #3: a minified server action stays under 64 KB. DESIGN §7 aims at 40 KB: see docs/NOTES.md. */
const SERVER_BUDGET = 64 * 1024;
/** DESIGN §7: each element file ≤ 8 KB minified. */
const ELEMENT_BUDGET = 8 * 1024;
/** Bubble's element files and the parameters each function takes (BUBBLE_FORMAT §4). */
const ELEMENT_FILES = { initialize: 'instance, context', update: 'instance, properties, context', preview: 'instance, properties', reset: 'instance, context' };

/** @typedef {import('./plugin/types.ts').Manifest} Manifest */
/** @typedef {import('./plugin/types.ts').FieldDef} FieldDef */
/** @typedef {import('./plugin/types.ts').OutputDef} OutputDef */
/** @typedef {import('./plugin/types.ts').ElementDef} ElementDef */

/** @returns {Promise<Manifest>} */
export async function loadManifest() {
  return (await importTs('plugin/index.ts')).MANIFEST;
}

/** A TypeScript module of ours, bundled on the fly and imported (build-time data: manifest, error catalogue). @param {string} path */
export async function importTs(path) {
  const out = await esbuild.build({ entryPoints: [join(ROOT, path)], bundle: true, format: 'esm', platform: 'node', write: false });
  const text = out.outputFiles[0]?.text ?? '';
  return import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`);
}

/**
 * One action → the text of server.js: one anonymous async function expression. The CommonJS bundle is
 * evaluated once per warm process and kept on globalThis under a symbol naming this exact build, so
 * jose is not re-initialised on every call and module-level caches live as long as the process.
 * @param {string} folder
 */
async function bundleServerAction(folder) {
  const out = await esbuild.build({
    entryPoints: [join(ROOT, 'actions', folder, 'index.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    inject: [join(ROOT, 'scripts/lib/webcrypto-shim.mjs')],
    write: false,
  });
  const code = out.outputFiles[0]?.text.trim() ?? '';
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  return [
    'async function(properties, context) {',
    `const g = globalThis, k = Symbol.for("bubble-secure-api/action/${folder}/${hash}");`,
    'const m = g[k] || (g[k] = (function () { const module = { exports: {} }, exports = module.exports;',
    code,
    'return module.exports; })());',
    'return m.default(properties, context);',
    '}',
  ].join('\n');
}

/**
 * One element file → one anonymous function expression for browsers: the CommonJS bundle runs inside it on each
 * call (it is small and holds no state: everything per instance lives in instance.data).
 * @param {string} folder @param {keyof typeof ELEMENT_FILES} file
 */
async function bundleElementFile(folder, file) {
  const out = await esbuild.build({
    entryPoints: [join(ROOT, 'elements', folder, `${file}.ts`)],
    bundle: true, format: 'cjs', platform: 'browser', target: ['es2020'], minify: true, legalComments: 'none', charset: 'utf8', write: false,
  });
  const code = out.outputFiles[0]?.text.trim() ?? '';
  return [
    `function(${ELEMENT_FILES[file]}) {`,
    'const module = { exports: {} };',
    '(function (module, exports) {',
    code,
    '})(module, module.exports);',
    `return module.exports.default(${ELEMENT_FILES[file]});`,
    '}',
  ].join('\n');
}

/**
 * An element's folder: params.json (fields, states, events), its four files, and one initialization file per state
 * equal to the state's initialization_code.fn. Returns the failed checks.
 * @param {ElementDef} el
 */
async function emitElement(el) {
  const problems = [];
  const dir = join(OUT, 'elements', bubbleFolder(el.id));
  /** @type {Record<string, unknown>} */
  const states = {};
  for (const st of el.states) {
    const id = `${el.id}_${st.name}`;
    const fn = `function(properties, context) {\n  return ${JSON.stringify(st.initial)};\n}`;
    states[id] = { caption: st.caption, name: st.name, value: st.value, is_list: false, initialization_code: { fn } };
    await emit(join(dir, 'states', bubbleFolder(id), 'initialization.js'), fn);
  }
  await emit(join(dir, 'params.json'), bubbleJson({
    display: el.display, category: 'visual elements', icon: el.icon, default_dim: el.default_dim, add_is_visible: true,
    can_fit_height: true, has_reset_fn: true, property_applications: { resizable: true, MinWidth: true, Font: true },
    fields: fieldsJson(el.fields, el.id), states,
    events: Object.fromEntries(el.events.map((e) => [`${el.id}_${e.name}`, { caption: e.caption, name: e.name }])),
  }));
  for (const file of /** @type {(keyof typeof ELEMENT_FILES)[]} */ (Object.keys(ELEMENT_FILES))) {
    const js = await bundleElementFile(el.folder, file);
    await emit(join(dir, `${file}.js`), js);
    const size = Buffer.byteLength(js);
    const parse = checkFunctionExpression(js);
    if (parse) problems.push(`${el.folder}/${file}.js: ${parse}`);
    if (size > ELEMENT_BUDGET) problems.push(`${el.folder}/${file}.js is ${size} bytes, over the ${ELEMENT_BUDGET}-byte budget`);
    console.log(`  ${el.folder} → elements/${bubbleFolder(el.id)}/${file}.js ${(size / 1024).toFixed(1)} KB`);
  }
  return problems;
}

/** The client leak check over a built plugin folder (LEAK_CANARIES: extra texts the test run planted). @param {Manifest} m @param {string} dir */
async function clientLeaks(m, dir) {
  const { PRESETS } = await importTs('src/providers/presets.ts');
  const { AUTHORIZE_PRESETS } = await importTs('src/providers/authorize-presets.ts');
  const { REVOCATION_ENDPOINTS } = await importTs('src/providers/revoke-presets.ts');
  /** @type {string[]} */
  const endpoints = [
    ...Object.values(PRESETS).map((p) => /** @type {{ token_endpoint: string }} */ (p).token_endpoint),
    ...Object.values(AUTHORIZE_PRESETS).map((p) => /** @type {{ authorization_endpoint: string }} */ (p).authorization_endpoint),
    ...Object.values(REVOCATION_ENDPOINTS).map(String),
  ];
  const forbidden = forbiddenClientTexts({
    secureCaptions: m.keys.filter((k) => k.type === 'secure').map((k) => k.caption),
    endpoints,
    canaries: (process.env.LEAK_CANARIES ?? '').split(','),
  });
  return findClientLeaks(clientFiles(dir), forbidden);
}

/** @param {FieldDef[]} fields @param {string} prefix */
function fieldsJson(fields, prefix) {
  /** @type {Record<string, unknown>} */
  const out = {};
  fields.forEach((f, rank) => {
    const id = `${prefix}_${f.name}`;
    out[id] = {
      caption: f.caption, name: f.name, editor: f.editor, rank, doc: f.doc,
      ...(f.value && { value: f.value }),
      ...(f.optional && { optional: true }),
      ...(f.default_val !== undefined && { default_val: f.default_val }),
      ...(f.options && { options: f.options.join(',') }),
      ...(f.is_list && { is_list: true }),
      ...(f.long_text && { long_text: true }),
    };
  });
  return out;
}

/** @param {OutputDef[]} outputs @param {string} prefix */
function outputsJson(outputs, prefix) {
  /** @type {Record<string, unknown>} */
  const out = {};
  outputs.forEach((o, rank) => { out[`${prefix}_out_${o.name}`] = { caption: o.caption, name: o.name, value: o.value, rank, ...(o.is_list && { is_list: true }) }; });
  return out;
}

/** IDs are lower snake case and unique plugin-wide (Bubble keeps one ID space per plugin). @param {Manifest} m */
function checkIds(m) {
  const ids = [...m.keys.map((k) => k.id), ...[...m.actions, ...m.staged].flatMap((a) => [a.id, ...a.fields.map((f) => `${a.id}_${f.name}`), ...a.outputs.map((o) => `${a.id}_out_${o.name}`)]),
    ...m.elements.flatMap((e) => [e.id, ...[...e.fields, ...e.states, ...e.events].map((x) => `${e.id}_${x.name}`)])];
  const bad = ids.filter((id) => !ID_PATTERN.test(id));
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (bad.length || dup.length) throw new Error(`manifest IDs: invalid ${bad.join(', ') || '-'}; duplicate ${dup.join(', ') || '-'}`);
  for (const a of [...m.actions, ...m.staged, ...m.elements]) for (const f of a.fields) if (!f.doc?.trim()) throw new Error(`manifest: field ${a.id}.${f.name} has no doc line`);
}

/** @param {string} path @param {string} text */
async function emit(path, text) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/**
 * One action's params.json and server.js under `root`; returns the failed checks. Staged actions skip only the
 * size budget (their size is printed against it).
 * @param {string} root @param {import('./plugin/types.ts').ActionDef} a @param {boolean} shipped
 */
async function emitAction(root, a, shipped) {
  const problems = [];
  const dir = join(root, 'actions', bubbleFolder(a.id));
  await emit(join(dir, 'params.json'), bubbleJson({
    category: a.category, display: a.display, type: 'server_side', use_packages: false,
    fields: fieldsJson(a.fields, a.id), return_value: outputsJson(a.outputs, a.id),
  }));
  const js = await bundleServerAction(a.folder);
  await emit(join(dir, 'server.js'), js);
  const size = Buffer.byteLength(js);
  const parse = checkFunctionExpression(js);
  if (parse) problems.push(`${a.folder}/server.js: ${parse}`);
  const over = size > SERVER_BUDGET ? `, over the ${SERVER_BUDGET}-byte budget` : '';
  if (over && shipped) problems.push(`${a.folder}/server.js is ${size} bytes${over}`);
  console.log(`  ${a.folder} → ${shipped ? '' : 'staged (not shipped): '}actions/${bubbleFolder(a.id)}/server.js ${(size / 1024).toFixed(1)} KB${shipped ? '' : over}`);
  return problems;
}

async function build() {
  const m = await loadManifest();
  checkIds(m);
  await rm(OUT, { recursive: true, force: true });
  await rm(STAGED, { recursive: true, force: true });
  const { meta } = m;
  await emit(join(OUT, 'meta_data.json'), bubbleJson({
    categories: Object.fromEntries(meta.categories.map((c, i) => [String(i), c])),
    data_tracked: false, demo_page: meta.demo_page, description: meta.description, image: meta.image,
    license: meta.license, link: meta.link, name: meta.name, plugin_instructions: meta.plugin_instructions,
    sa_node_version: meta.sa_node_version,
  }));
  await emit(join(OUT, 'shared_tech_params.json'), bubbleJson({
    dependencies: { plugin_api_version: meta.plugin_api_version, use_jquery: false },
    shared_keys: Object.fromEntries(m.keys.map((k) => [k.id, { caption: k.caption, type: k.type }])),
  }));
  const problems = [];
  for (const a of m.actions) problems.push(...await emitAction(OUT, a, true));
  for (const a of m.staged) problems.push(...await emitAction(STAGED, a, false));
  for (const el of m.elements) problems.push(...await emitElement(el));
  problems.push(...await clientLeaks(m, OUT));
  const { ERROR_CODES, ERROR_DOCS } = await importTs('src/error-docs.ts');
  const reference = renderReference(m, (folder) => codesIn(folder, Object.keys(ERROR_CODES)));
  const errors = renderErrorsDoc(ERROR_CODES, ERROR_DOCS);
  const pages = Object.entries(reference).sort(([a], [b]) => (a === 'README.md' ? -1 : b === 'README.md' ? 1 : a.localeCompare(b))).map(([, t]) => t);
  await emit(join(OUT, 'README.md'), `${await readFile(join(ROOT, 'docs', 'PLUGIN_README.md'), 'utf8')}\n${pages.join('\n')}\n${errors}`);
  await emit(join(OUT, 'LICENSE'), await readFile(join(ROOT, 'LICENSE'), 'utf8'));
  if (process.argv.includes('--docs')) {
    await rm(join(ROOT, 'docs', 'reference'), { recursive: true, force: true });
    for (const [file, text] of Object.entries(reference)) await emit(join(ROOT, 'docs', 'reference', file), text);
    await writeFile(join(ROOT, 'docs', 'errors.md'), errors);
  }
  if (problems.length) {
    console.error(`build checks failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`built ${OUT}`);
}

/**
 * The error codes an action's built file can return: those whose quoted name it holds (read after the build, so the
 * reference follows the code). @param {string} folder @param {string[]} all
 */
export function codesIn(folder, all) {
  const id = folder.replace(/-/g, '_');
  for (const root of [OUT, STAGED]) {
    const dir = join(root, 'actions', bubbleFolder(id), 'server.js');
    if (existsSync(dir)) {
      const text = readFileSync(dir, 'utf8');
      return all.filter((c) => text.includes(`"${c}"`));
    }
  }
  throw new Error(`no built ${folder}: build first`);
}

/** `node build.mjs --check-client DIR`: only the client leak check, over an already built plugin folder. @param {string} dir */
async function checkClientOnly(dir) {
  const problems = await clientLeaks(await loadManifest(), dir);
  if (problems.length) {
    console.error(`client leak check failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`client leak check passed: ${clientFiles(dir).length} browser files in ${dir}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--check-client');
  await (i > 0 ? checkClientOnly(process.argv[i + 1] ?? OUT) : build());
}
