/** docs/providers.md and the preset data say the same: token endpoint, rotation, lifetime and PKCE per preset. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PRESET_FACTS } from '../src/providers/preset-facts.ts';
import { PRESETS, type PresetName } from '../src/providers/presets.ts';
import { REVOCATION_ENDPOINTS } from '../src/providers/revoke-presets.ts';

const doc = readFileSync(new URL('../docs/providers.md', import.meta.url), 'utf8');
// the summary table is the first whose rows start with the preset and its token endpoint
const summary = doc.slice(doc.indexOf('## Summary'), doc.indexOf('\n\n', doc.indexOf('| --- |', doc.indexOf('## Summary'))));
const rows = new Map(summary.split('\n').filter((l) => /^\| `[a-z]+` \| `https:/.test(l)).map((l) => {
  const cells = l.split(' | ').map((c) => c.replace(/^\| /, '').trim());
  return [cells[0]!.replace(/`/g, ''), cells] as const;
}));

it.each(Object.keys(PRESETS) as PresetName[])('%s: the summary row matches the preset', (name) => {
  const cells = rows.get(name);
  expect(cells, `no summary row for ${name}`).toBeDefined();
  const [, token, , rotation, lifetime, , pkce] = cells!;
  expect(token).toBe(`\`${PRESETS[name].token_endpoint}\``);
  const rotates = PRESET_FACTS[name].rotates_refresh_tokens;
  expect(rotation).toMatch(rotates === 'optional' ? /^optional/ : rotates ? /^yes/ : /^no/);
  const life = PRESETS[name].refresh_lifetime;
  expect(lifetime).toMatch(life ? new RegExp(`^${life.days} days, ${life.kind}`) : /^–/);
  const documented = PRESET_FACTS[name].pkce;
  expect(pkce).toMatch(documented === undefined ? /^–/ : documented ? /^yes/ : /^no/);
});

const endpointsTable = doc.slice(doc.indexOf('Authorization and revocation endpoints:'), doc.indexOf('ID-token verification'));
it.each(Object.keys(PRESETS) as PresetName[])('%s: the revocation endpoint in docs/providers.md is the preset\'s', (name) => {
  const row = endpointsTable.split('\n').find((l) => l.startsWith(`| \`${name}\` | `));
  expect(row, `no endpoints row for ${name}`).toBeDefined();
  const cell = row!.split(' | ')[2]!.replace(/\s*\*\*\(2nd\)\*\*/, '');
  const url = REVOCATION_ENDPOINTS[name];
  expect(cell).toMatch(url ? new RegExp(`^\`${url.replace(/[.?{}]/g, '\\$&')}\`$`) : /^– /);
});
