import { createHash } from 'node:crypto';
import type { Connection } from '../config/connections.ts';
import { leaseFor, refreshKeys, sharedOnce, type Coordination } from '../coord/coordinate.ts';
import { coordinationFor, type LockStore } from '../coord/store.ts';
import { recordConnectionUse, recordPreviousKeyUse } from '../coord/usage.ts';
import { GrantError } from '../errors.ts';
import { refreshGrant } from '../oauth/refresh.ts';
import { singleFlight } from '../oauth/single-flight.ts';
import { openGrant, sealGrant, type Grant } from '../seal/grant.ts';
import type { Keyring } from '../seal/keys.ts';

/**
 * The grant's lifecycle, shared by every action that uses a grant (Refresh token, Call API): open it, refresh it when
 * its access token is expiring (or when forced, e.g. after a 401), make concurrent refreshes of one grant share one
 * token request, replay a recent refresh instead of spending the refresh token twice (Bubble may run an action
 * twice), and seal the result. src/oauth/refresh.ts is the protocol; this is when and how often.
 */

/** Bubble may run an action twice: a repeat within this window reuses the first refresh. */
const REPLAY_MS = 60_000;

/**
 * How a refresh is coordinated: `key` names the refresh (a hash of the sealing kid, connection, sub and refresh
 * token), `work` spends the token and resolves to the sealed next grant. Always single-flighted and replayed per
 * process; with a lock store, also across instances (src/coord).
 */
export type Coordinator = (key: string, work: () => Promise<string>) => Promise<{ sealed: string; coordination: Coordination }>;

export const processCoordinator: Coordinator = async (key, work) => ({ sealed: await singleFlight(key, REPLAY_MS, Date.now(), work), coordination: 'local' });

export function storeCoordinator(store: LockStore, conn: Connection): Coordinator {
  return (key, work) => singleFlight(`shared:${key}`, REPLAY_MS, Date.now(), () => sharedOnce(store, refreshKeys(key), leaseFor(conn.timeout), work));
}

export interface GrantRequest {
  conn: Connection;
  ring: Keyring;
  sealedGrant: unknown;
  sub?: string | undefined;
  /** refresh when the access token expires within this many seconds */
  minValidity: number;
  force: boolean;
  /** called with every token value the lifecycle handles, so the adapter can redact them */
  onSecret: (value: string) => void;
  /** the lock store, when the app set one */
  store?: LockStore | undefined;
}

export interface GrantInHand {
  grant: Grant;
  /** the grant to hand back: new when refreshed or re-sealed under the current sealing key */
  sealed: string;
  refreshed: boolean;
  coordination: Coordination;
}

/** Opens the grant and refreshes it when its access token expires within `minValidity` (or `force`). */
export async function refreshIfExpiring(req: GrantRequest): Promise<GrantInHand> {
  const binding = { conn: req.conn.name, sub: req.sub };
  const opened = openGrant(req.sealedGrant, req.ring, binding);
  const grant = opened.grant;
  reportTokens(grant, req.onSecret);
  const sealed = opened.resealed ?? (req.sealedGrant as string);
  if (req.store) {
    recordConnectionUse(req.store, req.conn.name);
    if (opened.resealed && req.ring.previous) recordPreviousKeyUse(req.store, req.ring.previous.kid);
  }
  const nowS = Math.floor(Date.now() / 1000);
  if (!req.force && grant.exp - nowS > req.minValidity) {
    return { grant, sealed, refreshed: false, coordination: coordinationFor(req.store) };
  }
  const rt = grant.rt;
  if (!rt) {
    throw new GrantError('no_refresh_token', 'The access token is expiring and the grant holds no refresh token: authorize the connection again.');
  }
  // The sealing key's kid is part of the key: a replayed result is sealed under the caller's own key.
  // Coordination keeps only the sealed result (ciphertext), never an opened grant.
  const key = createHash('sha256').update(JSON.stringify([req.ring.current.kid, req.conn.name, grant.sub ?? '', rt])).digest('base64url');
  const coordinate = req.store ? storeCoordinator(req.store, req.conn) : processCoordinator;
  const next = await coordinate(key, async () => sealGrant(await refreshGrant(req.conn, grant, rt, Date.now()), req.ring));
  const refreshed = openGrant(next.sealed, req.ring, binding).grant;
  reportTokens(refreshed, req.onSecret);
  return { grant: refreshed, sealed: next.sealed, refreshed: true, coordination: next.coordination };
}

/** Hands every token a grant holds to the redactor. */
function reportTokens(grant: Grant, onSecret: (value: string) => void): void {
  for (const v of [grant.at, grant.rt]) if (v) onSecret(v);
}
