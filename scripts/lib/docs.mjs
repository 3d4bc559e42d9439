// @ts-check
/** Renders the action reference (docs/actions.md and the built plugin README) from the typed manifest. */

/** @param {import('../../plugin/types.ts').Manifest} m */
export function renderActionsDoc(m) {
  const lines = ['# Actions reference', '', '<!-- generated from plugin/ by `npm run docs`; a test checks it is current -->', ''];
  lines.push('## Plugin keys (all private: type "secure")', '', '| key | content |', '|---|---|');
  for (const k of m.keys) lines.push(`| ${k.caption} | ${k.doc} |`);
  for (const a of m.actions) {
    lines.push('', `## ${a.display} — \`${a.folder}\``, '', a.doc, '', '| field | type | | |', '|---|---|---|---|');
    for (const f of a.fields) {
      const dflt = f.default_val === undefined ? '' : ` (default ${JSON.stringify(f.default_val)})`;
      lines.push(`| \`${f.name}\` | ${f.value ?? 'yes/no'} | ${f.optional || f.editor === 'Checkbox' ? 'optional' : 'required'}${dflt} | ${f.doc} |`);
    }
    lines.push('', '| output | type | |', '|---|---|---|');
    for (const o of a.outputs) lines.push(`| \`${o.name}\` | ${o.value} | ${o.doc} |`);
  }
  return `${lines.join('\n')}\n`;
}
