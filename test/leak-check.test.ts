/**
 * The client leak check (scripts/lib/leak-check.mjs, run by the build and by `node build.mjs --check-client DIR`):
 * it passes the real build, and fails a built plugin into which a key caption, crypto code, a preset endpoint or a
 * planted canary was written — naming the file and what, never the canary.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { PLUGIN_DIR } from './support/runner.ts';

const CANARY = `cnry${randomBytes(8).toString('hex')}`;
const check = async (dir: string, env: Record<string, string> = {}) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['build.mjs', '--check-client', dir], { env: { ...process.env, ...env } });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, out: err.stderr };
  }
};

/** A copy of the built plugin with `text` appended to the element's update.js. */
function planted(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bsa-leak-'));
  cpSync(PLUGIN_DIR, dir, { recursive: true });
  const el = join(dir, 'elements', readdirSync(join(dir, 'elements'))[0]!);
  const file = join(el, 'update.js');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/\n}$/, `\nconst planted = ${JSON.stringify(text)};\n}`));
  return dir;
}

it('the built plugin passes, with a canary the build never saw', async () => {
  const r = await check(PLUGIN_DIR, { LEAK_CANARIES: CANARY });
  expect(r).toMatchObject({ code: 0 });
  expect(r.out).toMatch(/client leak check passed: \d+ browser files/);
});

it.each([
  ['a private key caption', 'Client secret', /update\.js \(sent to browsers\) holds the private key caption "Client secret"/],
  ['another caption', 'read the Sealing key here', /holds the private key caption "Sealing key"/],
  ['jose code', 'import("jose")', /holds crypto or secret code \("jose"\)/],
  ['Web Crypto', 'crypto.subtle.sign', /holds crypto or secret code \("crypto\.subtle"\)/],
  ['client_secret', '{client_secret:x}', /holds crypto or secret code \("client_secret"\)/],
  ['a preset token endpoint', 'https://oauth2.googleapis.com/token', /holds a preset endpoint \(https:\/\/oauth2\.googleapis\.com\/token\)/],
  ['a templated endpoint, filled in', 'https://acme.my.salesforce.com/services/oauth2/token', /holds a preset endpoint \(https:\/\/\{login_host\}\/services\/oauth2\/token\)/],
])('fails on %s', async (_what, text, expected) => {
  const r = await check(planted(text));
  expect(r.code).toBe(1);
  expect(r.out).toMatch(expected);
});

it('fails on a planted canary, without printing it', async () => {
  const r = await check(planted(`token=${CANARY}`), { LEAK_CANARIES: `other,${CANARY}` });
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/holds a canary planted by the test run/);
  expect(r.out).not.toContain(CANARY);
});

it('a caption is matched as a word: "Scope" and "Connection status" are not the captions "Scopes" and "Connections"', async () => {
  expect((await check(planted('Scope: openid. Connection status'))).code).toBe(0);
});

it('the build itself runs the check: planting text the element holds fails the build', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bsa-build-')), 'plugin');
  const r = await promisify(execFile)(process.execPath, ['build.mjs', '--out', out], { env: { ...process.env, LEAK_CANARIES: 'data-connection-status' } })
    .then(() => ({ code: 0, err: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, err: e.stderr }));
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/build checks failed:[\s\S]*elements\/connection_status-[0-9a-z]+\/update\.js \(sent to browsers\) holds a canary planted by the test run/);
}, 60_000);
