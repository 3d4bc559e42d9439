/**
 * One refresh across all of Bubble's servers (DESIGN §5b). Before spending a refresh token an instance takes a lease
 * (`SET lock owner NX PX lease`, owner random); the winner refreshes, stores the new *sealed* grant under a result key
 * for a while and releases the lease only if it still owns it (compare-and-delete); the others wait, bounded, and
 * take the stored result instead of spending the token again. Keys are hashes, values ciphertext. A store that fails
 * before the refresh is skipped (per-process behaviour, `local_fallback`); one that fails after it costs nothing.
 */
import { randomBytes } from 'node:crypto';
import { ProviderError } from '../errors.ts';
import { storeCommand, StoreError, type LockStore } from './store.ts';

/** How a refresh was coordinated: across instances, per process (no store), or per process because the store failed. */
export type Coordination = 'shared' | 'local' | 'local_fallback';

/** A refreshed result stays in the store this long, for instances still holding the old grant (Bubble re-runs). */
export const RESULT_MS = 300_000;
/** A waiting instance looks again this often. */
const POLL_MS = 150;

// Atomically: the stored result if there is one, else the lease if it is free.
const TAKE = "local r = redis.call('GET', KEYS[2]) if r then return {1, r} end if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end return {0}";
// Store the result, then release the lease only if it is still ours (a slow holder must not free another's lease).
const STORE_AND_RELEASE = "redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 1";
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** A lease outlives the token request and a DPoP nonce retry (two requests of `timeoutS` each), plus slack. */
export const leaseFor = (timeoutS: number): number => (2 * timeoutS + 5) * 1000;

/** The store keys of one coordinated piece of work: its lease and its result (both named by hashes). */
export interface SharedKeys { lock: string; result: string }

/** A refresh's keys: `hash` covers the sealing kid, connection, sub and refresh token (src/grant/lifecycle.ts). */
export const refreshKeys = (hash: string): SharedKeys => ({ lock: `bsa:v1:lock:${hash}`, result: `bsa:v1:result:${hash}` });

/**
 * Runs `work` (a token request, resolving to its sealed result) at most once across instances for these keys, and
 * keeps the result `keepMs()` (read after the work) for the others. `leaseMs` must outlive the token request; a
 * waiting instance gives up after the lease plus a second.
 */
export async function sharedOnce(store: LockStore, names: SharedKeys, leaseMs: number, work: () => Promise<string>, keepMs: () => number = () => RESULT_MS): Promise<{ sealed: string; coordination: Coordination }> {
  const keys = [names.lock, names.result];
  const owner = randomBytes(16).toString('base64url');
  const giveUpAt = Date.now() + leaseMs + 1000;
  for (;;) {
    let took: unknown;
    try {
      took = await storeCommand(store, ['EVAL', TAKE, 2, ...keys, owner, leaseMs]);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      return { sealed: await work(), coordination: 'local_fallback' };
    }
    const [kind, stored] = Array.isArray(took) ? took : [];
    if (kind === 1 && typeof stored === 'string') return { sealed: stored, coordination: 'shared' };
    if (kind === 2) return winner(store, keys, owner, work, keepMs);
    if (Date.now() + POLL_MS > giveUpAt) {
      throw new ProviderError('refresh_in_progress', 'Another server of this app is refreshing this grant and has not finished: run the action again in a few seconds.', 5);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function winner(store: LockStore, keys: string[], owner: string, work: () => Promise<string>, keepMs: () => number): Promise<{ sealed: string; coordination: Coordination }> {
  let sealed: string;
  try {
    sealed = await work();
  } catch (e) {
    await storeCommand(store, ['EVAL', RELEASE, 1, keys[0]!, owner]).catch(() => undefined);
    throw e;
  }
  try {
    await storeCommand(store, ['EVAL', STORE_AND_RELEASE, 2, ...keys, owner, sealed, Math.max(1000, Math.floor(keepMs()))]);
    return { sealed, coordination: 'shared' };
  } catch {
    // the refresh is done and is returned; only the other instances cannot reuse it
    return { sealed, coordination: 'local_fallback' };
  }
}
