// @ts-check
/**
 * Renders the builder's references from the code's own data: the actions (docs/actions.md, from the typed
 * manifest in plugin/) and the error codes (docs/errors.md, from src/error-codes.ts and src/error-docs.ts).
 * Both also go into the built plugin's README. Captions come first: they are what the Bubble editor shows.
 */

/** @param {string} s */
const cell = (s) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** @param {import('../../plugin/types.ts').Manifest} m */
export function renderActionsDoc(m) {
  const lines = ['# Actions reference', '', '<!-- generated from plugin/ by `npm run docs`; a test checks it is current -->', ''];
  lines.push('The one save rule: **when "Grant changed" is yes, save "Sealed grant"** (and, where two workflows may race, only when "Generation" is higher than the stored one).', '');
  lines.push('## Plugin keys (all private: type "secure")', '', '| key (caption in the Plugins tab) | content |', '|---|---|');
  for (const k of m.keys) lines.push(`| ${k.caption} | ${cell(k.doc)} |`);
  for (const a of m.actions) {
    lines.push('', `## ${a.display} — \`${a.folder}\``, '', a.doc, '', '| field (caption, then name) | type | | |', '|---|---|---|---|');
    for (const f of a.fields) {
      const dflt = f.default_val === undefined ? '' : ` (default ${JSON.stringify(f.default_val)})`;
      lines.push(`| ${f.caption} (\`${f.name}\`) | ${f.value ?? 'yes/no'} | ${f.optional || f.editor === 'Checkbox' ? 'optional' : 'required'}${dflt} | ${cell(f.doc)} |`);
    }
    lines.push('', '| result (caption, then name) | type | |', '|---|---|---|');
    for (const o of a.outputs) lines.push(`| ${o.caption} (\`${o.name}\`) | ${o.value} | ${cell(o.doc)} |`);
  }
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
