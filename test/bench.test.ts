/**
 * npm run bench -- --quick --no-build writes the results file with every figure in the agreed shape.
 * The targets are reported, not asserted: quick numbers on a noisy machine decide nothing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const HAS_REDIS = spawnSync('redis-server', ['--version']).status === 0;
const FIGURES = [
  /^warm signed call, bearer/,
  /^refresh round trip/,
  /^warm no-op refresh/,
  /^SigV4 signature/,
  /^HS256 JWT/,
  /^RS256 JWT/,
  /^ES256 JWT/,
  /^RFC 9421 ed25519/,
  /^seal \+ open a grant/,
  ...['refresh-token', 'seal-token', 'start-authorization', 'complete-authorization', 'revoke', 'review-configuration', 'call-api']
    .map((a) => new RegExp(`^cold read\\+eval\\+first call, Node 18: ${a} `)),
  /^100 concurrent expired-grant refreshes, one process: token requests/,
  ...(HAS_REDIS ? [/^4 processes × 25 expired-grant refreshes, lock store/, /^refresh with the lock store/] : []),
  ...['complete-authorization', 'refresh-token', 'review-configuration', 'revoke', 'seal-token', 'start-authorization', 'call-api']
    .map((a) => new RegExp(`^bytes: ${a} server\\.js / 64 KB budget`)),
  ...['initialize', 'update', 'preview', 'reset'].map((f) => new RegExp(`^bytes: connection-status ${f}\\.js / 8 KB budget`)),
];

it('bench --quick writes its results: every figure, finite positive numbers, spread p25 ≤ p75', { timeout: 170_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bsa-bench-')), 'results.json'); // bench/results.json keeps the last full run
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/bench/index.mjs', '--quick', '--no-build', `--out=${out}`], { timeout: 165_000 });
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
