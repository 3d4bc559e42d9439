import { revokeGrant } from '../../src/oauth/revoke.ts';
import { openGrant } from '../../src/seal/grant.ts';
import { bubbleAction } from '../_lib/action.ts';
import { connectionAndKeys, keepInputGrant } from '../_lib/common.ts';

const EMPTY = { sealed_grant: null as string | null, grant_changed: false, refresh_expires_at: null as Date | null };

/**
 * Revoke: ends the grant at the provider (RFC 7009). On success "Sealed grant" is empty and "Grant changed" is yes,
 * so the one save rule clears the stored grant; on failure the grant comes back unchanged.
 */
export default bubbleAction(
  'Revoke',
  EMPTY,
  async (call) => {
    const { conn, ring, sub } = connectionAndKeys(call);
    const { grant } = openGrant(call.properties.sealed_grant, ring, { conn: conn.name, sub });
    [grant.at, grant.rt].forEach((t) => call.redactor.add(t));
    await revokeGrant(conn, grant, Date.now());
    return { sealed_grant: null, grant_changed: true };
  },
  keepInputGrant,
);
