// @ts-check
/**
 * Shared bench machinery: interleaved sampling (ours vs peer, order alternating per round), quantiles,
 * the result record of one figure, the results writer and the printed table. A figure module only says
 * how to take one sample of each side and what its target is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * One entry of bench/results.json (DESIGN §9).
 * @typedef {object} FigureResult
 * @property {string} figure
 * @property {number} ours median per-op value of our side, in `unit`
 * @property {number} peer median per-op value of the peer, in `unit`
 * @property {string} unit
 * @property {number} ratio median of the per-round ratios ours / peer
 * @property {[number, number]} spread p25 and p75 of the per-round ratios
 * @property {string} target
 * @property {boolean} met
 */

/**
 * What a figure module gets from the runner.
 * @typedef {object} BenchContext
 * @property {string} root repository root
 * @property {string} pluginDir dist/plugin
 * @property {boolean} quick few rounds (for the test)
 * @property {(line: string) => void} log progress line (stderr)
 */

/**
 * A figure module: `run` returns one or more results (a figure may be measured per action).
 * @typedef {object} Figure
 * @property {string} id short name, for progress lines
 * @property {(ctx: BenchContext) => Promise<FigureResult[]>} run
 */

/** One sample of one side: resolves to the per-op value (e.g. ms per op). @typedef {() => Promise<number>} Sampler */

/**
 * Sorted-copy quantile with linear interpolation between closest ranks (R type 7).
 * @param {number[]} values
 * @param {number} q 0..1
 */
export function quantile(values, q) {
  if (values.length === 0) throw new Error('quantile of no values');
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = /** @type {number} */ (s[lo]);
  const b = /** @type {number} */ (s[hi]);
  return a + (b - a) * (pos - lo);
}

/** @param {number[]} values */
export const median = (values) => quantile(values, 0.5);

/**
 * A sampler that runs `op` `n` times back to back and returns milliseconds per op.
 * @param {() => unknown} op
 * @param {number} n
 * @returns {Sampler}
 */
export function timed(op, n) {
  return async () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await op();
    return (performance.now() - t0) / n;
  };
}

/**
 * Warms `op` up (runs it back to back for `warmMs`), then finds how many back-to-back ops make one batch
 * of about `batchMs` (at least 1).
 * @param {() => unknown} op
 * @param {number} batchMs
 * @param {number} [warmMs]
 */
export async function calibrate(op, batchMs, warmMs = 4 * batchMs) {
  const start = performance.now();
  while (performance.now() - start < warmMs) await op();
  let n = 1;
  for (;;) {
    const per = await timed(op, n)();
    if (per * n >= batchMs / 2 || n >= 1 << 20) return Math.max(1, Math.round(batchMs / Math.max(per, 1e-6)));
    n *= 2;
  }
}

/**
 * Interleaved rounds: in round i both sides take one sample, ours first in even rounds and the peer
 * first in odd ones, so drift and noise hit both alike. `warmup` rounds are taken and dropped.
 * @param {{ ours: Sampler, peer: Sampler, rounds: number, warmup?: number }} opts
 * @returns {Promise<{ ours: number[], peer: number[], ratios: number[] }>}
 */
export async function interleave({ ours, peer, rounds, warmup = 0 }) {
  /** @type {number[]} */ const o = [];
  /** @type {number[]} */ const p = [];
  for (let i = 0; i < warmup + rounds; i++) {
    let a;
    let b;
    if (i % 2 === 0) {
      a = await ours();
      b = await peer();
    } else {
      b = await peer();
      a = await ours();
    }
    if (i >= warmup) {
      o.push(a);
      p.push(b);
    }
  }
  return { ours: o, peer: p, ratios: o.map((v, i) => v / /** @type {number} */ (p[i])) };
}

/** Samples in ms per op → µs per op. @param {{ ours: number[], peer: number[], ratios: number[] }} s */
export const micro = (s) => ({ ours: s.ours.map((v) => v * 1000), peer: s.peer.map((v) => v * 1000), ratios: s.ratios });

/**
 * A per-op measurement in µs: both sides calibrated to batches of about `batchMs` (calibration runs each for a while
 * first: the JIT's warm-up), then sampled interleaved.
 * @param {{ ours: () => unknown, peer: () => unknown, batchMs: number, rounds: number, warmup: number }} o
 */
export async function measureMicro({ ours, peer, batchMs, rounds, warmup }) {
  const nOurs = await calibrate(ours, batchMs);
  const nPeer = await calibrate(peer, batchMs);
  return micro(await interleave({ ours: timed(ours, nOurs), peer: timed(peer, nPeer), rounds, warmup }));
}

/**
 * The result record from the per-round samples.
 * @param {object} f
 * @param {string} f.figure
 * @param {string} f.unit
 * @param {string} f.target
 * @param {{ ours: number[], peer: number[], ratios: number[] }} f.samples
 * @param {(r: { ours: number, peer: number, ratio: number }) => boolean} f.met
 * @returns {FigureResult}
 */
export function result({ figure, unit, target, samples, met }) {
  const ours = median(samples.ours);
  const peer = median(samples.peer);
  const ratio = median(samples.ratios);
  const spread = /** @type {[number, number]} */ ([quantile(samples.ratios, 0.25), quantile(samples.ratios, 0.75)]);
  return { figure, ours, peer, unit, ratio, spread, target, met: met({ ours, peer, ratio }) };
}

/** @param {string} file @param {FigureResult[]} results */
export function writeResults(file, results) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** Rounds a value to 3 significant digits for display. @param {number} v */
const fmt = (v) => (Math.abs(v) >= 1000 ? String(Math.round(v)) : Number(v.toPrecision(3)).toString());

/**
 * A plain-text table of the results.
 * @param {FigureResult[]} results
 * @param {string[]} header lines printed above the table (Node versions etc.)
 */
export function formatTable(results, header) {
  const rows = [
    ['figure', 'ours', 'peer', 'unit', 'ratio', 'p25–p75', 'target', 'met'],
    ...results.map((r) => [
      r.figure, fmt(r.ours), fmt(r.peer), r.unit, `${fmt(r.ratio)}×`,
      `${fmt(r.spread[0])}–${fmt(r.spread[1])}`, r.target, r.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const numeric = new Set([1, 2, 4, 5]);
  const line = (/** @type {string[]} */ r) => r.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd();
  const [head, ...body] = rows;
  return [...header, '', line(/** @type {string[]} */ (head)), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
