import { InputError } from '../../src/errors.ts';
import { GRANT_LIMITS, sealGrant, type Grant } from '../../src/seal/grant.ts';
import { bubbleAction, type ActionCall } from '../_lib/action.ts';
import { connectionAndKeys, EMPTY_GRANT_OUTPUTS, grantOutputs } from '../_lib/common.ts';
import { optionalDate, optionalScope, optionalText } from '../_lib/props.ts';

const EMPTY = {
  ...EMPTY_GRANT_OUTPUTS,
  generation: null as number | null,
};
/** Tokens are opaque but printable and without spaces (RFC 6749 §A.12, §A.17). */
const TOKEN = /^[\x21-\x7e]+$/;

/** A token field: printable, within the grant's cap; the value is never part of a message. */
function tokenInput(call: ActionCall, name: 'refresh_token' | 'access_token', max: number): string | undefined {
  const v = optionalText(call.properties, name, Number.MAX_SAFE_INTEGER);
  call.redactor.add(v);
  if (v !== undefined && (v.length > max || !TOKEN.test(v))) {
    throw new InputError('invalid_token', `${name} has characters tokens never have, or is longer than ${max} characters`);
  }
  return v;
}

/**
 * Seal existing token (one-time migration): turns a refresh token an app kept in plain text into a sealed
 * grant, so the plain field can be deleted. An unknown expiry seals as "expired": the first Refresh token
 * call then refreshes.
 */
export default bubbleAction('Seal existing token', EMPTY, async (call) => {
  const { conn, ring, sub } = connectionAndKeys(call);
  const rt = tokenInput(call, 'refresh_token', GRANT_LIMITS.rt);
  const at = tokenInput(call, 'access_token', GRANT_LIMITS.at);
  if (!rt && !at) throw new InputError('missing_token', 'Give a refresh_token (or at least an access_token) to seal');
  const now = Math.floor(Date.now() / 1000);
  const exp = at ? optionalDate(call.properties, 'expires_at') ?? 0 : 0;
  const grant: Grant = { v: 1, conn: conn.name, at: at ?? '', exp, token_type: 'Bearer', iat: now, gen: 0 };
  if (rt) grant.rt = rt;
  const rtExp = rt ? optionalDate(call.properties, 'refresh_expires_at') : undefined;
  if (rtExp) grant.rt_exp = rtExp;
  if (sub) grant.sub = sub;
  const scope = optionalScope(call.properties, 'scope', GRANT_LIMITS.scope);
  if (scope) grant.scope = scope;
  const { sealed_grant, grant_changed, expires_at, refresh_expires_at, scope: granted, generation } = grantOutputs(grant, sealGrant(grant, ring), undefined, now);
  return { sealed_grant, grant_changed, expires_at, refresh_expires_at, scope: granted, generation };
});
