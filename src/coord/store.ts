/**
 * The lock store (DESIGN §3, §5b): a Redis database reached over Upstash's REST protocol — HTTPS, a bearer token, one
 * JSON command array per POST, `/pipeline` for several — through the guarded fetch. Only hashes and ciphertext are
 * ever written. A store that fails is skipped for a short while, so each later call pays nothing for it.
 */
import { ConfigError } from '../errors.ts';
import { checkEndpointUrl } from '../config/urls.ts';
import { KEY, keyValue, type PluginKeys } from '../config/keys.ts';
import { guardedFetch } from '../http/guarded-fetch.ts';
import type { Coordination } from './coordinate.ts';

export interface LockStore {
  url: URL;
  token: string;
}

/** A store request that does not answer within this is a failed store (the call goes on without it). */
export const STORE_TIMEOUT_MS = 2000;
/** After a failure the store is skipped this long, per process. */
const PAUSE_MS = 30_000;
const pausedUntil = new Map<string, number>();

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** The store from the two keys; undefined when neither is set. One without the other is a configuration error. */
export function lockStoreOf(keys: PluginKeys): LockStore | undefined {
  const url = keyValue(keys, KEY.lockStoreUrl);
  const token = keyValue(keys, KEY.lockStoreToken);
  if (url === undefined && token === undefined) return undefined;
  if (url === undefined || token === undefined) {
    throw new ConfigError('lock_store_incomplete', `Set both ${KEY.lockStoreUrl} and ${KEY.lockStoreToken}, or neither`);
  }
  const parsed = checkEndpointUrl(url, KEY.lockStoreUrl, isLoopbackUrl(url));
  return { url: new URL(parsed.href.replace(/\/?$/, '/')), token };
}

const isLoopbackUrl = (u: string): boolean => /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?(\/|$)/i.test(u);

/** How work that needs the store would be coordinated now: per process without one, or while it is skipped. */
export const coordinationFor = (s: LockStore | undefined): Coordination => (!s ? 'local' : storePaused(s) ? 'local_fallback' : 'shared');

/** The coordination an action reports when it did not refresh (or failed): what a refresh would have had. */
export function coordinationOf(keys: PluginKeys): Coordination | null {
  try {
    return coordinationFor(lockStoreOf(keys));
  } catch {
    return null; // a misconfigured store: the status outputs say so
  }
}

/** True while the store is skipped after a failure. */
export const storePaused = (s: LockStore): boolean => (pausedUntil.get(s.url.href) ?? 0) > Date.now();

type Arg = string | number;

/** One command: its result, or StoreError (never the store's text: it may quote what we sent). */
export async function storeCommand(s: LockStore, command: Arg[]): Promise<unknown> {
  const [one] = await send(s, '', command);
  return one;
}

/** Several commands in one round trip (not atomic); each result in order, a failed one as StoreError. */
export async function storePipeline(s: LockStore, commands: Arg[][]): Promise<unknown[]> {
  return send(s, 'pipeline', commands);
}

async function send(s: LockStore, path: string, body: Arg[] | Arg[][]): Promise<unknown[]> {
  if (storePaused(s)) throw new StoreError('lock store paused after a failure');
  try {
    const res = await guardedFetch(new URL(path, s.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: STORE_TIMEOUT_MS,
      maxBytes: 1024 * 1024,
      peer: 'the lock store',
    });
    const json: unknown = JSON.parse(res.text);
    const replies = path ? json : [json];
    if (res.status !== 200 || !Array.isArray(replies) || replies.length !== (path ? body.length : 1)) throw new StoreError(`lock store answered HTTP ${res.status}`);
    return replies.map((r: unknown) => {
      if (r === null || typeof r !== 'object' || 'error' in r || !('result' in r)) throw new StoreError('lock store refused a command');
      return (r as { result: unknown }).result;
    });
  } catch (e) {
    pausedUntil.set(s.url.href, Date.now() + PAUSE_MS);
    throw e instanceof StoreError ? e : new StoreError('lock store unreachable');
  }
}
