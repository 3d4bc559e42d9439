import { DEFAULT_CONNECTION, resolveConnection, type Connection } from '../../src/config/connections.ts';
import { sealingKeyring } from '../../src/config/sealing.ts';
import { GRANT_LIMITS, type Grant } from '../../src/seal/grant.ts';
import type { Keyring } from '../../src/seal/keys.ts';
import type { ActionCall } from './action.ts';
import { optionalText } from './props.ts';

/** The connection named by the `connection` field (default "default") and the caller's binding (`sub`). */
export function connectionAndSub(call: ActionCall): { conn: Connection; sub: string | undefined } {
  const name = optionalText(call.properties, 'connection', 64) ?? DEFAULT_CONNECTION;
  return { conn: resolveConnection(call.context.keys, name), sub: optionalText(call.properties, 'sub', GRANT_LIMITS.sub) };
}

/** …and the grant keyring. */
export function connectionAndKeys(call: ActionCall): { conn: Connection; ring: Keyring; sub: string | undefined } {
  const { conn, sub } = connectionAndSub(call);
  return { conn, ring: sealingKeyring(call.context.keys, 'grant'), sub };
}

/** The grant outputs of an action before (or without) a grant: nothing sealed, nothing changed. */
export const EMPTY_GRANT_OUTPUTS = {
  sealed_grant: null as string | null,
  grant_changed: false,
  expires_at: null as Date | null,
  refresh_expires_at: null as Date | null,
  scope: null as string | null,
};

const dateOf = (s: number | undefined): Date | null => (s !== undefined && s > 0 ? new Date(s * 1000) : null);

/**
 * The outputs of a grant an action hands back: its non-secret facts, and `grant_changed` — the one thing
 * a builder checks before saving (DESIGN §5: when `grant_changed` is yes, save `sealed_grant`).
 */
export function grantOutputs(grant: Grant, sealed: string, input: unknown, nowS: number) {
  return {
    sealed_grant: sealed,
    grant_changed: sealed !== input,
    expires_at: dateOf(grant.exp),
    expires_in: grant.exp > 0 ? Math.max(0, grant.exp - nowS) : 0,
    refresh_expires_at: dateOf(grant.rt_exp),
    scope: grant.scope ?? null,
    generation: grant.gen,
  };
}

/** On failure, hand back the grant the caller passed in: saving the output then never loses it. */
export function keepInputGrant(call: ActionCall): { sealed_grant: string | null; grant_changed: boolean } {
  const g = call.properties.sealed_grant;
  return { sealed_grant: typeof g === 'string' && g.trim() !== '' ? g : null, grant_changed: false };
}
