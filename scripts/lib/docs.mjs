// @ts-check
/**
 * Renders the builder's references from the code's own data: one page per action and element (docs/reference/, from
 * the typed manifest in plugin/) and the error codes (docs/errors.md, from src/error-codes.ts and src/error-docs.ts).
 * All also go into the built plugin's README. Captions come first: they are what the Bubble editor shows.
 */

/** @param {string} s */
const cell = (s) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** @typedef {import('../../plugin/types.ts').Manifest} Manifest */
/** @typedef {import('../../plugin/types.ts').ActionDef} ActionDef */
/** @typedef {import('../../plugin/types.ts').ElementDef} ElementDef */
/** @typedef {import('../../plugin/types.ts').FieldDef} FieldDef */

const GENERATED = '<!-- generated from plugin/ by `npm run docs`; a test checks it is current -->';
const STATUSES = 'ok, reauthorization_required, temporarily_unavailable, misconfigured, rejected';
/** An action's display name without the plugin's suffix: what a builder looks for in the workflow editor. */
export const shortName = (/** @type {string} */ display) => display.replace(/ \(Secure API\)$/, '');

/** @param {FieldDef[]} fields */
function fieldTable(fields) {
  if (fields.length === 0) return ['No fields.'];
  const rows = ['| field (caption, then name) | type | | |', '|---|---|---|---|'];
  for (const f of fields) {
    const dflt = f.default_val === undefined ? '' : ` (default ${JSON.stringify(f.default_val)})`;
    const type = f.editor === 'Color' ? 'colour' : f.editor === 'key_value_list' ? 'key/value list' : f.editor === 'Dropdown' ? `one of ${(f.options ?? []).join(', ')}`
      : `${f.value ?? 'yes/no'}${f.is_list ? ' list' : ''}`;
    rows.push(`| ${f.caption} (\`${f.name}\`) | ${type} | ${f.optional || f.editor === 'Checkbox' ? 'optional' : 'required'}${dflt} | ${cell(f.doc)} |`);
  }
  return rows;
}

/**
 * One page per action and element under docs/reference/, and its index. `codesOf(folder)` gives the error codes an
 * action's built file can return (read from the build, so the list follows the code).
 * @param {Manifest} m @param {(folder: string) => string[]} codesOf
 * @returns {Record<string, string>} file name → text
 */
export function renderReference(m, codesOf) {
  /** @type {Record<string, string>} */
  const pages = {};
  const index = ['# Reference', '', GENERATED, '',
    'The one save rule: **when "Grant changed" is yes, save "Sealed grant"** (and, where two workflows may race, only when "Generation" is higher than the stored one).', '',
    '## Plugin keys (all private: type "secure")', '', '| key (caption in the Plugins tab) | content |', '|---|---|'];
  for (const k of m.keys) index.push(`| ${k.caption} | ${cell(k.doc)} |`);
  index.push('', '## Actions', '');
  for (const a of [...m.actions, ...m.staged]) {
    const staged = m.staged.includes(a);
    index.push(`- [${shortName(a.display)}](${a.folder}.md)${staged ? ' — built and tested, not shipped yet (docs/NOTES.md)' : ''}`);
    pages[`${a.folder}.md`] = actionPage(a, codesOf(a.folder), staged);
  }
  index.push('', '## Elements', '');
  for (const e of m.elements) {
    index.push(`- [${shortName(e.display)}](element-${e.folder}.md)`);
    pages[`element-${e.folder}.md`] = elementPage(e);
  }
  index.push('', 'Every error code, its cause and what to do: [errors.md](../errors.md).');
  pages['README.md'] = `${index.join('\n')}\n`;
  return pages;
}

/** @param {ActionDef} a @param {string[]} codes @param {boolean} staged */
function actionPage(a, codes, staged) {
  const lines = [`# ${shortName(a.display)} — \`${a.folder}\``, '', GENERATED, '', ...(staged ? ['> Built and tested, not in the plugin yet (docs/NOTES.md).', ''] : []),
    a.doc, '', `In the workflow editor: *Plugins* → **${a.display}**.`, '', '## Fields', '', ...fieldTable(a.fields), '', '## Results', '',
    '| result (caption, then name) | type | |', '|---|---|---|'];
  for (const o of a.outputs) lines.push(`| ${o.caption} (\`${o.name}\`) | ${o.value}${o.is_list ? ' list' : ''} | ${cell(o.doc)} |`);
  lines.push('', '## Status and error codes', '', `"Status" is one of: ${STATUSES}.`, '',
    `Error codes this action can return: ${codes.map((c) => `[\`${c}\`](../errors.md)`).join(', ') || 'none'}.`, '', '[All actions](README.md)');
  return `${lines.join('\n')}\n`;
}

/** @param {ElementDef} e */
function elementPage(e) {
  const lines = [`# ${shortName(e.display)} (element) — \`${e.folder}\``, '', GENERATED, '', e.doc, '', `In the design editor: *Visual elements* → **${e.display}**. Guide: [element.md](../element.md).`, '',
    '## Fields', '', ...fieldTable(e.fields), '', '## States', '', '| state (caption, then name) | type | before the first update | |', '|---|---|---|---|'];
  for (const s of e.states) lines.push(`| ${s.caption} (\`${s.name}\`) | ${s.value} | ${JSON.stringify(s.initial)} | ${cell(s.doc)} |`);
  lines.push('', '## Events', '', '| event (caption, then name) | |', '|---|---|');
  for (const ev of e.events) lines.push(`| ${ev.caption} (\`${ev.name}\`) | ${cell(ev.doc)} |`);
  lines.push('', '[All actions and elements](README.md)');
  return `${lines.join('\n')}\n`;
}

/**
 * @param {Record<string, string>} codes error code → status
 * @param {Record<string, { cause: string, fix: string }>} docs error code → cause and remedy
 */
export function renderErrorsDoc(codes, docs) {
  const lines = ['# Error codes', '', '<!-- generated from src/error-codes.ts and src/error-docs.ts by `npm run docs`; a test checks it is current -->', ''];
  lines.push('Every action returns `status`, `error_code` and `error_message`. Branch on **Status**; look up **Error code** here.', '');
  lines.push('| error code | status | cause | what to do |', '|---|---|---|---|');
  for (const [code, status] of Object.entries(codes)) {
    const d = docs[code];
    if (!d) throw new Error(`error code ${code} has no documentation`);
    lines.push(`| \`${code}\` | ${status} | ${cell(d.cause)} | ${cell(d.fix)} |`);
  }
  return `${lines.join('\n')}\n`;
}
