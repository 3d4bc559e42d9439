// @ts-check
/**
 * `npm run bench`: builds the plugin (unless --no-build), measures each figure as a ratio of ours to a
 * peer taken in the same run (interleaved rounds), writes bench/results.json and prints a table.
 *   --quick      few rounds (for the test; numbers are rough)
 *   --no-build   use the existing dist/plugin
 *   --only=a,b   run only the figures with these ids
 *   --out=file   write the results there instead of bench/results.json
 * A full run of every figure to bench/results.json also rewrites the table in docs/performance.md and the chart.
 * To add a figure: write a module in figures/ exporting a Figure (see lib.mjs) and list it in FIGURES.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { node18Binary } from '../lib/node18.mjs';
import bundleSize from './figures/bundle-size.mjs';
import coldStart from './figures/cold-start.mjs';
import coordination from './figures/coordination.mjs';
import refreshRoundtrip from './figures/refresh-roundtrip.mjs';
import seal from './figures/seal.mjs';
import signedCall from './figures/signed-call.mjs';
import signers from './figures/signers.mjs';
import warmNoop from './figures/warm-noop.mjs';
import { formatTable, writeResults } from './lib.mjs';
import { writeReport } from './report.mjs';

/** @type {import('./lib.mjs').Figure[]} */
const FIGURES = [signedCall, refreshRoundtrip, warmNoop, signers, seal, coldStart, coordination, bundleSize];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const OUT = args.find((a) => a.startsWith('--out='))?.slice('--out='.length) || join(ROOT, 'bench', 'results.json');
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const unknown = args.filter((a) => !['--quick', '--no-build'].includes(a) && !a.startsWith('--only=') && !a.startsWith('--out='));
if (unknown.length) {
  console.error(`unknown option ${unknown.join(' ')}; usage: npm run bench -- [--quick] [--no-build] [--out=file] [--only=${FIGURES.map((f) => f.id).join(',')}]`);
  process.exit(2);
}

if (!args.includes('--no-build')) {
  const build = spawnSync(process.execPath, [join(ROOT, 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
}

/** @type {import('./lib.mjs').BenchContext} */
const ctx = { root: ROOT, pluginDir: join(ROOT, 'dist', 'plugin'), quick, log: (line) => console.error(line) };
/** @type {import('./lib.mjs').FigureResult[]} */
const results = [];
for (const figure of FIGURES) {
  if (only && !only.includes(figure.id)) continue;
  const t0 = Date.now();
  results.push(...(await figure.run(ctx)));
  ctx.log(`bench: ${figure.id} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
writeResults(OUT, results);

const node18 = spawnSync(node18Binary(), ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'not installed';
console.log(formatTable(results, [
  `bench${quick ? ' (--quick: few rounds, rough numbers)' : ''}: Node ${process.version} (cold-start figures: Node ${node18}), ${process.platform}-${process.arch}`,
  'ratio = median of per-round ours/peer; p25–p75 = spread of the per-round ratios',
]));
console.log(`\nwrote ${OUT}`);
// a full run of every figure to the default file is the one the docs show
if (!quick && !only && !args.some((a) => a.startsWith('--out='))) {
  writeReport(join(ROOT, 'docs'), results, `Last full run: Node ${process.version} (cold starts: Node ${node18}), ${process.platform}-${process.arch}, ${new Date().toISOString().slice(0, 10)}.`);
  console.log('wrote docs/performance.md (table) and docs/performance-chart.svg');
}
