import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Runner } from './runner.ts';

/** A unique marker put into every secret of a test file; it must never come out of an action. */
export const CANARY = `cnry${randomBytes(6).toString('hex')}`;

/** A valid sealing key (base64url, 32 random bytes) that carries the canary. */
export const sealingKey = (): string => `${CANARY}${randomBytes(32).toString('base64url')}`;

/**
 * Plugin keys with the canary in every secret one, plus the given named connections (the `default`
 * connection from the simple keys stays valid: a preset, https URLs). Client ID, API base URL and Scopes
 * are not secrets, but no output has a reason to show them either: they carry the canary too.
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

/** Runs of a secret this long count as a leak: a cut-off prefix of a secret is still a leak. */
const WINDOW = 10;

/**
 * The texts an output may hide a secret in, decoded independently of the code under test: as printed,
 * without invisible characters, URL- and form-decoded, JSON-unescaped, and base64/base64url-decoded runs.
 */
export function decodedForms(text: string): string[] {
  const out = [text, text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')];
  for (const t of [...out]) {
    for (const pre of [t, t.replace(/\+/g, ' ')]) {
      try {
        out.push(decodeURIComponent(pre));
      } catch {
        out.push(pre.replace(/%[0-9a-f]{2}/gi, (m) => String.fromCharCode(parseInt(m.slice(1), 16))));
      }
    }
    try {
      out.push(JSON.parse(`"${t}"`) as string);
    } catch {
      // not a JSON string body
    }
  }
  for (const run of text.match(/[A-Za-z0-9+/_-]{12,}/g) ?? []) {
    for (let k = 0; k < 4; k++) out.push(Buffer.from(run.slice(k), run.includes('-') || run.includes('_') ? 'base64url' : 'base64').toString('latin1'));
  }
  return out;
}

const windows = (s: string): string[] => Array.from({ length: Math.max(0, s.length - WINDOW + 1) }, (_, i) => s.slice(i, i + WINDOW));

/** The first secret window found in `text`, scanning without building a list of its windows. */
function findWindow(text: string, secrets: Map<string, string>): string | undefined {
  for (let i = 0; i + WINDOW <= text.length; i++) {
    const what = secrets.get(text.slice(i, i + WINDOW));
    if (what) return what;
  }
  return undefined;
}

/**
 * Asserts that nothing the runner printed or returned holds the canary or a tracked secret, in any form
 * and in any run of 10 characters. `outputs` is every output object the test received; both lists are
 * emptied once checked.
 */
export function expectNoLeak(runner: Runner, outputs: unknown[]): void {
  const secrets = new Map<string, string>();
  for (const w of windows(CANARY)) secrets.set(w, 'canary');
  for (const t of tracked) for (const w of windows(t)) if (!secrets.has(w)) secrets.set(w, 'tracked token');
  for (const text of [...runner.printed, ...outputs.map((o) => JSON.stringify(o))]) {
    for (const form of decodedForms(text)) {
      const what = findWindow(form, secrets);
      if (what) expect.fail(`a secret (${what}) leaked into: ${text.slice(0, 300)}`);
    }
  }
  // checked: start the next test clean, so a leak fails the test that caused it, not every later one
  runner.printed.length = 0;
  outputs.length = 0;
}
