/**
 * Usage facts for the configuration review (DESIGN §5c), kept in the lock store as hashes and times only: when each
 * connection was last used, and when the previous sealing key last opened a grant (so a builder knows when it is safe
 * to remove). Written without waiting, at most once per fact per 10 minutes per process; a failure changes nothing.
 */
import { createHash } from 'node:crypto';
import { storeCommand, type LockStore } from './store.ts';

export const USAGE_KEY = 'bsa:v1:usage';
const EVERY_MS = 600_000;
const written = new Map<string, number>();

/** The hash a connection's usage is filed under (names are not secret, but the store needs no names). */
export const connectionHash = (name: string): string => createHash('sha256').update(`connection:${name}`).digest('base64url');

function record(store: LockStore, field: string, nowMs: number): void {
  if ((written.get(field) ?? 0) > nowMs - EVERY_MS) return;
  written.set(field, nowMs);
  void storeCommand(store, ['HSET', USAGE_KEY, field, Math.floor(nowMs / 1000)]).catch(() => undefined);
}

export const recordConnectionUse = (store: LockStore, connection: string, nowMs = Date.now()): void => record(store, `conn:${connectionHash(connection)}`, nowMs);

/** `kid`: the previous sealing key's key id (public: it is in every sealed grant's header). */
export const recordPreviousKeyUse = (store: LockStore, kid: string, nowMs = Date.now()): void => record(store, `prevkey:${kid}`, nowMs);
