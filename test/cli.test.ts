/** The CLI contract of DESIGN §8 and keygen. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSealingKey } from '../src/seal/keys.ts';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'bsa-cli-test-'));
const file = (name: string, v: unknown) => {
  writeFileSync(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));
  return join(dir, name);
};
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, ['scripts/run-action.mjs', ...args]);
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run action', () => {
  it('prints the outputs as one JSON object and exits 0', async () => {
    const key = (await exec(process.execPath, ['scripts/keygen.mjs'])).stdout.trim();
    const keys = file('k.json', { 'Sealing key': key, Connections: JSON.stringify({ crm: { token_endpoint: 'https://auth.example.test/token', client_id: 'a' } }) });
    const r = await cli('seal-token', '--keys', keys, '--props', file('p.json', { connection: 'crm', refresh_token: 'rt-1', expires_at: '2030-01-01T00:00:00Z' }));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ status: 'ok', generation: 0, expires_at: null });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const byId = await cli('seal_token', '--keys', keys, '--props', file('p2.json', { connection: 'crm', refresh_token: 'rt-1' }));
    expect(JSON.parse(byId.stdout).status).toBe('ok');
  });

  it('returns status outputs (exit 0) for a misconfiguration', async () => {
    const r = await cli('refresh-token', '--keys', file('k2.json', {}), '--props', file('p3.json', { sealed_grant: 'x' }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'misconfigured', sealed_grant: 'x' });
  });

  it('exits 1 with a message on stderr for an unknown action, an undeclared field or a bad file', async () => {
    const keys = file('k3.json', {});
    for (const [args, re] of [
      [['no-such-action', '--keys', keys], /no action "no-such-action" .*; the actions are: call-api, complete-authorization, refresh-token, review-configuration, revoke, seal-token, start-authorization$/m],
      [['seal-token', '--keys', file('obj.json', { Connections: { crm: { client_id: 'a' } } })], /the value of "Connections" must be a string .* not an object — .*write the Connections object as a JSON string/],
      [['seal-token', '--keys', keys, '--props', file('p4.json', { client_secret: 'nope' })], /has no field named "client_secret"/],
      [['seal-token', '--keys', file('bad.json', '{not json')], /keys file is missing or not valid JSON/],
    ] as const) {
      const r = await cli(...args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(re);
    }
  });
});

it('keygen prints a fresh, strong sealing key each time', async () => {
  const [a, b] = await Promise.all([1, 2].map(async () => (await exec(process.execPath, ['scripts/keygen.mjs'])).stdout.trim()));
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(a).not.toBe(b);
  expect(parseSealingKey(a!, 'Sealing key')).toHaveLength(32);
});
