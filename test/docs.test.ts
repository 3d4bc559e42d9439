/** The docs hold together: every relative link resolves, and every doc line the manifest needs is there. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { MANIFEST } from '../plugin/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const markdown = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(ROOT, 'docs'), { recursive: true }).map((f) => join('docs', String(f)))]
  .filter((f) => f.endsWith('.md') && existsSync(join(ROOT, f)));

it.each(markdown)('%s: every relative link resolves', (file) => {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const broken = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!)
    .filter((href) => !/^(https?:|mailto:|#)/.test(href))
    .filter((href) => !existsSync(join(ROOT, dirname(file), decodeURIComponent(href.replace(/#.*$/, '')))));
  expect(broken, `${relative(ROOT, join(ROOT, file))}`).toEqual([]);
});

it('every field, output, key, state and event of the manifest has a doc line', () => {
  const all = [...MANIFEST.keys, ...[...MANIFEST.actions, ...MANIFEST.staged].flatMap((a) => [a, ...a.fields, ...a.outputs]),
    ...MANIFEST.elements.flatMap((e) => [e, ...e.fields, ...e.states, ...e.events])];
  expect(all.filter((x) => !x.doc || x.doc.trim().length < 10).map((x) => ('caption' in x ? x.caption : x.display))).toEqual([]);
});

/** Every name the plugin shows in Bubble's editor: action and element names, and every caption. */
function pluginCaptions(): Set<string> {
  const short = (d: string) => d.replace(/ \(Secure API\)$/, '');
  const things = [...MANIFEST.actions, ...MANIFEST.staged];
  return new Set([
    ...things.map((a) => short(a.display)), ...MANIFEST.elements.map((e) => short(e.display)),
    ...MANIFEST.keys.map((k) => k.caption),
    ...things.flatMap((a) => [...a.fields, ...a.outputs].map((f) => f.caption)),
    ...MANIFEST.elements.flatMap((e) => [...e.fields, ...e.states, ...e.events].map((f) => f.caption)),
  ]);
}

const recipes = markdown.filter((f) => f.startsWith(join('docs', 'recipes')) && !f.endsWith('README.md'));

it('there are recipes', () => {
  expect(recipes.length).toBeGreaterThanOrEqual(8);
});

it.each(recipes)('%s: every caption it names in bold exists in plugin/', (file) => {
  const captions = pluginCaptions();
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const unknown = [...text.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!.trim()).filter((c) => !captions.has(c));
  expect(unknown).toEqual([]);
});
