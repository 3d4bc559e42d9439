import { DEFAULT_CONNECTION, resolveConnection, type Connection } from '../../src/config/connections.ts';
import { sealingKeyring } from '../../src/config/sealing.ts';
import type { Grant } from '../../src/seal/grant.ts';
import type { Keyring } from '../../src/seal/keys.ts';
import type { ActionCall } from './action.ts';
import { optionalText } from './props.ts';

/** The connection named by the `connection` field (default "default") and the grant keyring. */
export function connectionAndKeys(call: ActionCall): { conn: Connection; ring: Keyring; sub: string | undefined } {
  const name = optionalText(call.properties, 'connection', 64) ?? DEFAULT_CONNECTION;
  const conn = resolveConnection(call.context.keys, name);
  const ring = sealingKeyring(call.context.keys, 'grant');
  return { conn, ring, sub: optionalText(call.properties, 'sub', 256) };
}

/** The non-secret facts of a grant, as Bubble outputs. */
export function grantFacts(grant: Grant, nowS: number) {
  return {
    expires_at: grant.exp > 0 ? new Date(grant.exp * 1000) : null,
    expires_in: grant.exp > 0 ? Math.max(0, grant.exp - nowS) : 0,
    scope: grant.scope ?? null,
    generation: grant.gen,
  };
}

/** On failure, hand back the grant the caller passed in: saving the output then never loses it. */
export function keepInputGrant(call: ActionCall): { sealed_grant: string | null } {
  const g = call.properties.sealed_grant;
  return { sealed_grant: typeof g === 'string' && g.trim() !== '' ? g : null };
}
