import { InputError } from '../../src/errors.ts';
import { sealGrant, type Grant } from '../../src/seal/grant.ts';
import { bubbleAction } from '../_lib/action.ts';
import { connectionAndKeys, grantFacts } from '../_lib/common.ts';
import { optionalDate, optionalText } from '../_lib/props.ts';

const EMPTY = { sealed_grant: null as string | null, expires_at: null as Date | null, scope: null as string | null, generation: null as number | null };
/** Tokens are opaque but printable and without spaces (RFC 6749 §A.12, §A.17). */
const TOKEN = /^[\x21-\x7e]+$/;

/**
 * Seal existing token (one-time migration): turns a refresh token an app kept in plain text into a sealed
 * grant, so the plain field can be deleted. An unknown expiry seals as "expired": the first Refresh token
 * call then refreshes.
 */
export default bubbleAction('Seal existing token', EMPTY, async (call) => {
  const { conn, ring, sub } = connectionAndKeys(call);
  const rt = optionalText(call.properties, 'refresh_token', 8192);
  const at = optionalText(call.properties, 'access_token', 8192);
  [rt, at].forEach((v) => call.redactor.add(v));
  if (!rt && !at) throw new InputError('missing_token', 'Give a refresh_token (or at least an access_token) to seal');
  if ((rt && !TOKEN.test(rt)) || (at && !TOKEN.test(at))) throw new InputError('invalid_token', 'A token contains spaces or characters tokens never have');
  const now = Math.floor(Date.now() / 1000);
  const grant: Grant = { v: 1, conn: conn.name, at: at ?? '', exp: at ? optionalDate(call.properties, 'expires_at') ?? 0 : 0, token_type: 'Bearer', iat: now, gen: 0 };
  if (rt) grant.rt = rt;
  if (sub) grant.sub = sub;
  const scope = optionalText(call.properties, 'scope', 2048);
  if (scope) grant.scope = scope;
  const { expires_at, scope: scopeOut, generation } = grantFacts(grant, now);
  return { sealed_grant: await sealGrant(grant, ring), expires_at, scope: scopeOut, generation };
});
