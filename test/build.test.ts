/** The emitted plugin: Bubble's GitHub-sync layout, JSON style, one function expression per file. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bubbleFolder, bubbleToken } from '../scripts/lib/bubble-format.mjs';
import { checkFunctionExpression } from '../scripts/lib/check-js.mjs';
import { evaluateServerJs } from '../scripts/lib/harness.mjs';
import { MANIFEST } from '../plugin/index.ts';
import { ERROR_CODES, ERROR_DOCS } from '../src/error-docs.ts';
import { PLUGIN_DIR } from './support/runner.ts';

const read = (...p: string[]) => readFileSync(join(PLUGIN_DIR, ...p), 'utf8');

describe('Bubble IDs and folders', () => {
  it('computes folder tokens as Bubble does (verified examples)', () => {
    expect(bubbleToken('AAC')).toBe('850m6');
    expect(bubbleToken('AEK')).toBe('852mp');
    expect(bubbleToken('counter')).toBe('cdqqavkmcnt0');
  });

  it('emits one folder per action with params.json and server.js', () => {
    const folders = readdirSync(join(PLUGIN_DIR, 'actions')).sort();
    expect(folders).toEqual(MANIFEST.actions.map((a) => bubbleFolder(a.id)).sort());
    for (const f of folders) expect(readdirSync(join(PLUGIN_DIR, 'actions', f)).sort()).toEqual(['params.json', 'server.js']);
  });
});

describe('JSON files', () => {
  const files = ['meta_data.json', 'shared_tech_params.json', ...readdirSync(join(PLUGIN_DIR, 'actions')).map((f) => join('actions', f, 'params.json')),
    ...readdirSync(join(PLUGIN_DIR, 'elements')).map((f) => join('elements', f, 'params.json'))];
  it.each(files)('%s is in Bubble style: sorted keys, 4 spaces, no trailing newline', (file) => {
    const text = read(file);
    expect(text.endsWith('\n')).toBe(false);
    const sorted = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)])) : v);
    expect(text).toBe(JSON.stringify(sorted(JSON.parse(text)), null, 4));
  });

  it('declares every plugin key as secure, by caption', () => {
    const keys = JSON.parse(read('shared_tech_params.json')).shared_keys;
    const captions = Object.values(keys).map((k) => (k as { caption: string; type: string }).caption);
    expect(captions.sort()).toEqual(['API base URL', 'Client ID', 'Client secret', 'Connections', 'Lock store token', 'Lock store URL', 'Previous sealing key', 'Provider', 'Scopes', 'Sealing key'].sort());
    for (const k of Object.values(keys)) expect((k as { type: string }).type).toBe('secure');
    expect(JSON.parse(read('meta_data.json')).sa_node_version).toBe(18);
  });

  it('keeps the pinned field and output names, each field with a doc line, plus the status outputs', () => {
    const params = (id: string) => JSON.parse(read('actions', bubbleFolder(id), 'params.json'));
    const names = (o: object) => Object.values(o).map((f) => (f as { name: string }).name).sort();
    const refresh = params('refresh_token');
    expect(refresh.type).toBe('server_side');
    expect(names(refresh.fields)).toEqual(['connection', 'force', 'min_validity', 'sealed_grant', 'sub']);
    expect(names(refresh.return_value)).toEqual(expect.arrayContaining(['sealed_grant', 'refreshed', 'expires_at', 'expires_in', 'scope', 'generation', 'status', 'error_code', 'error_message']));
    const seal = params('seal_token');
    expect(names(seal.fields)).toEqual(expect.arrayContaining(['connection', 'refresh_token', 'access_token', 'expires_at', 'sub']));
    expect(names(seal.return_value)).toEqual(expect.arrayContaining(['sealed_grant', 'expires_at', 'status', 'error_code', 'error_message']));
    for (const a of [refresh, seal]) for (const f of Object.values(a.fields)) expect((f as { doc: string }).doc.length).toBeGreaterThan(10);
  });
});

describe('server.js', () => {
  const files = readdirSync(join(PLUGIN_DIR, 'actions')).map((f) => join('actions', f, 'server.js'));
  it.each(files)('%s is one anonymous async function expression, within budget, self-contained', (file) => {
    const text = read(file);
    expect(checkFunctionExpression(text)).toBeUndefined();
    expect(text.startsWith('async function(properties, context)')).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64 * 1024);
    // dependencies inlined: only Node built-ins are required
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required.every((r) => r!.startsWith('node:') || ['crypto'].includes(r!))).toBe(true);
    expect(text).not.toMatch(/require\("jose"\)/);
    expect(typeof evaluateServerJs(text, join(PLUGIN_DIR, file))).toBe('function');
  });

  it('the shape check refuses what Bubble would not run', () => {
    expect(checkFunctionExpression('async function(properties, context) {}')).toBeUndefined();
    expect(checkFunctionExpression('function(a) {}; steal()')).toBeDefined();
    expect(checkFunctionExpression('function named(a) {}')).toBeDefined();
    expect(checkFunctionExpression('(function() {}, function() {})')).toBeDefined();
    expect(checkFunctionExpression('const x = 1')).toBeDefined();
    expect(checkFunctionExpression('function(a) {')).toBeDefined();
  });
});

describe('docs', () => {
  it('docs/reference/ is rendered from plugin/ and the built files: one page per action and element (npm run docs)', async () => {
    const { renderReference } = await import('../scripts/lib/docs.mjs');
    const { codesIn } = await import('../build.mjs');
    const pages = renderReference(MANIFEST, (folder: string) => codesIn(folder, Object.keys(ERROR_CODES)));
    const dir = new URL('../docs/reference/', import.meta.url);
    expect(readdirSync(dir).sort()).toEqual(Object.keys(pages).sort());
    for (const [file, text] of Object.entries(pages)) expect(readFileSync(new URL(file, dir), 'utf8'), file).toBe(text);
    expect(Object.keys(pages)).toEqual(expect.arrayContaining([...MANIFEST.actions, ...MANIFEST.staged].map((a) => `${a.folder}.md`)));
    expect(pages['refresh-token.md']).toContain('| Minimum validity (s) (`min_validity`) |');
    expect(pages['refresh-token.md']).toMatch(/\[`refresh_in_progress`\]\(\.\.\/errors\.md\)/);
    expect(pages['element-connection-status.md']).toContain('| Expiring soon (`expiring_soon`) |');
    for (const text of Object.values(pages)) expect(read('README.md')).toContain(text);
  });

  it('docs/errors.md is rendered from the error catalogue, which names exactly the codes the code raises', async () => {
    const { renderErrorsDoc } = await import('../scripts/lib/docs.mjs');
    const table = renderErrorsDoc(ERROR_CODES, ERROR_DOCS);
    expect(readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')).toBe(table);
    expect(read('README.md')).toContain(table);
    const sources = ['src', 'actions'].flatMap((d) => readdirSync(new URL(`../${d}/`, import.meta.url), { recursive: true }).map((f) => join(d, String(f))).filter((f) => f.endsWith('.ts') && !/error-(codes|docs)\.ts$/.test(f)));
    const text = sources.map((f) => readFileSync(new URL(`../${f}`, import.meta.url), 'utf8')).join('\n');
    const raised = new Set([...text.matchAll(/new (?:Config|Grant|Provider|Input|Plugin)Error\(\s*'([a-z0-9_]+)'/g)].map((m) => m[1]!));
    const catalogue = Object.keys(ERROR_CODES);
    expect([...raised].filter((c) => !catalogue.includes(c))).toEqual([]);
    // no catalogued code is dead: each appears in the code outside the catalogue (raised, or mapped from a provider's)
    expect(catalogue.filter((c) => !text.includes(`'${c}'`))).toEqual([]);
    for (const c of catalogue) expect(ERROR_DOCS[c as keyof typeof ERROR_DOCS].fix.length).toBeGreaterThan(5);
  });

  it('the built plugin carries the MIT LICENSE', () => {
    expect(read('LICENSE')).toBe(readFileSync(new URL('../LICENSE', import.meta.url), 'utf8'));
    expect(read('LICENSE')).toMatch(/^MIT License/);
  });
});

describe('the Connection status element', () => {
  const el = MANIFEST.elements[0]!;
  const dir = join('elements', bubbleFolder(el.id));
  const params = () => JSON.parse(read(dir, 'params.json'));

  it("has Bubble's element files, each one function expression of the right parameters and at most 8 KB", () => {
    expect(readdirSync(join(PLUGIN_DIR, 'elements'))).toEqual([bubbleFolder(el.id)]);
    expect(readdirSync(join(PLUGIN_DIR, dir)).sort()).toEqual(['initialize.js', 'params.json', 'preview.js', 'reset.js', 'states', 'update.js']);
    for (const [file, args] of [['initialize', 'instance, context'], ['update', 'instance, properties, context'], ['preview', 'instance, properties'], ['reset', 'instance, context']]) {
      const js = read(dir, `${file}.js`);
      expect(checkFunctionExpression(js), file).toBeUndefined();
      expect(js.startsWith(`function(${args}) {`), file).toBe(true);
      expect(Buffer.byteLength(js), file).toBeLessThanOrEqual(8 * 1024);
    }
  });

  it('declares the pinned fields, states and events; each state initialization file equals its initialization_code.fn', () => {
    const p = params();
    const names = (o: object) => Object.values(o).map((f) => (f as { name: string }).name).sort();
    expect(names(p.fields)).toEqual(expect.arrayContaining(['expires_at', 'status', 'scope', 'label', 'warn_before', 'show_badge', 'refresh_expires_at', 'warn_reconnect_days']));
    expect(names(p.states)).toEqual(['expires_in_seconds', 'is_connected', 'is_expired', 'needs_refresh', 'reconnect_in_days', 'status_label']);
    expect(names(p.events)).toEqual(['expired', 'expiring_soon', 'reconnect_soon', 'status_changed']);
    expect(p).toMatchObject({ category: 'visual elements', has_reset_fn: true });
    for (const [id, st] of Object.entries(p.states) as [string, { initialization_code: { fn: string } }][]) {
      expect(read(dir, 'states', bubbleFolder(id), 'initialization.js')).toBe(st.initialization_code.fn);
      expect(checkFunctionExpression(st.initialization_code.fn)).toBeUndefined();
    }
    for (const f of Object.values(p.fields) as { name: string; value?: string }[]) {
      if (f.name.endsWith('_at')) expect(f.value).toBe('date');
      expect(['sealed_grant', 'client_secret', 'connection']).not.toContain(f.name);
    }
  });
});
