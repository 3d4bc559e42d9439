// @ts-check
/**
 * Inputs the figures share: plugin keys with a loopback connection, a grant sealed by the built
 * Seal existing token action, and the derived grant key taken from src/seal/keys.ts itself (bundled on
 * the fly with esbuild, so the bench follows changes to the key derivation).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { callAction, loadAction } from '../lib/harness.mjs';

/** A connection no request ever reaches (port 9, discard): for work that must stay offline. */
export const OFFLINE_CONNECTION = {
  token_endpoint: 'http://127.0.0.1:9/token', allow_insecure_http: true, client_id: 'x', client_secret: 'y',
};

/**
 * Plugin keys as a builder pastes them: a fresh sealing key and `Connections` as a JSON string.
 * @param {Record<string, object>} connections
 */
export function benchKeys(connections) {
  return { 'Sealing key': randomBytes(32).toString('base64url'), Connections: JSON.stringify(connections) };
}

/**
 * Seals tokens through the built seal-token action; throws unless it answers ok.
 * @param {string} pluginDir
 * @param {Record<string, string>} keys
 * @param {{ connection: string, access_token: string, refresh_token?: string, expires_at: string, scope?: string }} props
 */
export async function sealGrant(pluginDir, keys, props) {
  const out = await callAction(loadAction(pluginDir, 'seal-token'), props, keys);
  if (out.status !== 'ok' || typeof out.sealed_grant !== 'string') throw new Error(`seal-token answered ${String(out.status)} (${String(out.error_code)})`);
  return out.sealed_grant;
}

/** Props of seal-token for made-up tokens valid for an hour. @param {string} connection */
export function offlineSealProps(connection) {
  return {
    connection, refresh_token: `rt-${randomBytes(24).toString('base64url')}`, access_token: `at-${randomBytes(24).toString('base64url')}`,
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
  };
}

/** @type {Promise<{ keyringFrom: Function, parseSealingKey: Function }> | undefined} */
let keysModule;

/**
 * The content key grants are sealed with: `keyringFrom(parseSealingKey(key), undefined, 'grant').current.key`.
 * @param {string} root repository root
 * @param {string} sealingKey
 * @returns {Promise<Uint8Array>}
 */
export async function grantKey(root, sealingKey) {
  keysModule ??= (async () => {
    const out = await esbuild.build({ entryPoints: [join(root, 'src/seal/keys.ts')], bundle: true, write: false, format: 'esm', platform: 'node' });
    const text = out.outputFiles[0]?.text ?? '';
    return import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`);
  })();
  const { keyringFrom, parseSealingKey } = await keysModule;
  return keyringFrom(parseSealingKey(sealingKey, 'k'), undefined, 'grant').current.key;
}

/**
 * The local oidc-provider (rotation on) in its own process (oidc-child.mjs): its work and GC pauses then cost both
 * sides of a figure latency alike. `tokenRequests()` asks it how many token requests it has seen.
 */
export async function startOidcChild() {
  const child = fork(fileURLToPath(new URL('./oidc-child.mjs', import.meta.url)), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the oidc-provider process exited (${code})`);
  });
  exited.catch(() => {});
  /** @returns {Promise<any>} the next IPC message from the server process */
  const message = async () => (await Promise.race([once(child, 'message'), exited]))[0];
  /** @type {{ issuer: string, tokenEndpoint: string, clients: import('../lib/oidc-server.mjs').OidcClientInfo[] }} */
  const server = await message();
  const client = server.clients.find((c) => c.token_endpoint_auth_method === 'client_secret_basic');
  if (!client?.client_secret) throw new Error('no client_secret_basic client');
  return {
    server,
    client: { id: client.client_id, secret: client.client_secret },
    async tokenRequests() {
      child.send('count');
      return /** @type {number} */ ((await message()).tokenRequests);
    },
    async close() {
      if (child.connected) child.send('close');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
  };
}
