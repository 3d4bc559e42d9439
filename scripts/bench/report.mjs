// @ts-check
/**
 * What a full `npm run bench` leaves for readers: the table of the run in docs/performance.md (between the
 * `bench:table` markers) and a chart of the ratios against their targets (docs/performance-chart.svg), both made
 * from the results themselves.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** @typedef {import('./lib.mjs').FigureResult} FigureResult */

const fmt = (/** @type {number} */ v) => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(3)).toString());

/** @param {FigureResult[]} results @param {string} header */
export function markdownTable(results, header) {
  const rows = results.map((r) => `| ${r.figure.replace(/\|/g, '\\|')} | ${fmt(r.ours)} | ${fmt(r.peer)} | ${r.unit} | ${fmt(r.ratio)}× (${fmt(r.spread[0])}–${fmt(r.spread[1])}) | ${r.target} | ${r.met ? 'yes' : '**no**'} |`);
  return [header, '', '| figure | ours | peer | unit | ratio (p25–p75) | target | met |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

/** The ratio a figure's target allows, when its target is a ratio (`≤ 1.10×`, `≥ 1.5× …`: signatures/s inverted). @param {FigureResult} r */
function allowed(r) {
  const m = /^([≤≥])\s*([\d.]+)×/.exec(r.target);
  if (!m) return r.met ? r.ratio : undefined;
  return m[1] === '≤' ? Number(m[2]) : 1 / Number(m[2]);
}

/**
 * Horizontal bars on a log scale: each figure's ratio (green when met, red when not) and its target as a tick.
 * @param {FigureResult[]} results
 */
export function ratioChart(results) {
  const rows = results.filter((r) => r.unit !== 'token requests');
  const W = 900, left = 430, right = 60, rowH = 18, top = 40;
  const H = top + rows.length * rowH + 40;
  const lo = Math.log10(0.03), hi = Math.log10(60);
  const x = (/** @type {number} */ v) => left + ((Math.log10(Math.min(Math.max(v, 0.03), 60)) - lo) / (hi - lo)) * (W - left - right);
  const esc = (/** @type {string} */ s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="11">`,
    `<title>Ratios of the last full bench run (ours / peer, log scale); ticks are targets</title>`, `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="13" font-weight="600">npm run bench: ratio ours / peer (log scale), target tick, green = met</text>`];
  for (const t of [0.1, 0.5, 1, 2, 5, 10, 50]) parts.push(`<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${H - 30}" stroke="#ddd"/><text x="${x(t)}" y="${H - 16}" text-anchor="middle" fill="#555">${t}×</text>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const label = r.figure.length > 70 ? `${r.figure.slice(0, 68)}…` : r.figure;
    parts.push(`<text x="${left - 8}" y="${y + 12}" text-anchor="end">${esc(label)}</text>`);
    parts.push(`<rect x="${x(0.03)}" y="${y + 3}" width="${Math.max(1, x(r.ratio) - x(0.03))}" height="${rowH - 6}" fill="${r.met ? '#2da44e' : '#cf222e'}"><title>${esc(`${r.figure}: ${fmt(r.ratio)}× (target ${r.target})`)}</title></rect>`);
    const a = allowed(r);
    if (a !== undefined) parts.push(`<line x1="${x(a)}" y1="${y + 1}" x2="${x(a)}" y2="${y + rowH - 1}" stroke="#000" stroke-width="2"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Rewrites the table between the markers of docs/performance.md and the chart next to it. @param {string} docsDir @param {FigureResult[]} results @param {string} header */
export function writeReport(docsDir, results, header) {
  const page = `${docsDir}/performance.md`;
  const text = readFileSync(page, 'utf8');
  const start = '<!-- bench:table -->';
  const end = '<!-- /bench:table -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/performance.md has no ${start} … ${end} block`);
  writeFileSync(page, `${text.slice(0, i + start.length)}\n${markdownTable(results, header)}\n${text.slice(j)}`);
  writeFileSync(`${docsDir}/performance-chart.svg`, `${ratioChart(results)}\n`);
}
