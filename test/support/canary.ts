import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Runner } from './runner.ts';

/** A unique marker put into every secret of a test file; it must never come out of an action. */
export const CANARY = `cnry${randomBytes(6).toString('hex')}`;

/** A valid sealing key (base64url, ≥ 32 random bytes) that carries the canary. */
export const sealingKey = (): string => `${CANARY}${randomBytes(33).toString('base64url')}`;

/**
 * Plugin keys with the canary in every one of them, plus the given named connections
 * (the `default` connection from the simple keys stays valid: a preset, https URLs).
 */
export function canaryKeys(connections: Record<string, Record<string, unknown>>, sealing = sealingKey()): Record<string, string> {
  return {
    'Sealing key': sealing,
    'Previous sealing key': sealingKey(),
    'Client ID': `client-${CANARY}`,
    'Client secret': `secret-${CANARY}`,
    Provider: 'google',
    'API base URL': `https://api.example.test/${CANARY}`,
    Scopes: `openid ${CANARY}`,
    Connections: JSON.stringify(connections),
  };
}

/** Secrets seen by a test (tokens it obtained or sealed), checked with the canary after every test. */
export const tracked = new Set<string>();

/**
 * Asserts that nothing the runner printed or returned holds the canary or a tracked secret.
 * `outputs` is every output object the test received; both lists are emptied once checked.
 */
export function expectNoLeak(runner: Runner, outputs: unknown[]): void {
  const texts = [...runner.printed, ...outputs.map((o) => JSON.stringify(o))];
  for (const secret of [CANARY, ...tracked]) {
    const hit = texts.find((t) => t.includes(secret));
    expect(hit === undefined, `a secret (${secret === CANARY ? 'canary' : 'tracked token'}) leaked into: ${hit?.slice(0, 200)}`).toBe(true);
  }
  // checked: start the next test clean, so a leak fails the test that caused it, not every later one
  runner.printed.length = 0;
  outputs.length = 0;
}
