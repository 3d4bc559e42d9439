/**
 * npm run bench -- --quick --no-build writes the results file with every figure in the agreed shape.
 * The targets are reported, not asserted: quick numbers on a noisy machine decide nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const FIGURES = [
  /^warm no-op refresh/,
  /^refresh round trip/,
  /^cold read\+eval\+first call, Node 18: refresh-token/,
  /^cold read\+eval\+first call, Node 18: seal-token/,
  /^cold read\+eval\+first call, Node 18: start-authorization/,
  /^cold read\+eval\+first call, Node 18: complete-authorization/,
  /^cold read\+eval\+first call, Node 18: revoke/,
  /^refresh-token server\.js bytes/,
];

it('bench --quick writes its results: every figure, finite positive numbers, spread p25 ≤ p75', { timeout: 60_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bsa-bench-')), 'results.json'); // bench/results.json keeps the last full run
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/bench/index.mjs', '--quick', '--no-build', `--out=${out}`], { timeout: 55_000 });
  expect(stdout).toContain(`Node ${process.version}`);
  const results: unknown = JSON.parse(readFileSync(out, 'utf8'));
  expect(Array.isArray(results)).toBe(true);
  const entries = results as Record<string, unknown>[];
  for (const pattern of FIGURES) expect(entries.filter((e) => pattern.test(String(e.figure))), String(pattern)).toHaveLength(1);
  expect(entries).toHaveLength(FIGURES.length);
  for (const e of entries) {
    expect(Object.keys(e).sort()).toEqual(['figure', 'met', 'ours', 'peer', 'ratio', 'spread', 'target', 'unit']);
    for (const k of ['ours', 'peer', 'ratio'] as const) {
      const v = e[k];
      expect(typeof v === 'number' && Number.isFinite(v) && v > 0, `${String(e.figure)}: ${k}`).toBe(true);
    }
    expect(typeof e.unit === 'string' && e.unit.length > 0).toBe(true);
    expect(typeof e.target === 'string' && e.target.length > 0).toBe(true);
    expect(typeof e.met).toBe('boolean');
    const spread = e.spread as unknown[];
    expect(spread).toHaveLength(2);
    const [p25, p75] = spread as number[];
    expect(Number.isFinite(p25) && Number.isFinite(p75) && p25! > 0).toBe(true);
    expect(p25!).toBeLessThanOrEqual(p75!);
  }
});
