import { sealingKeyring } from '../../src/config/sealing.ts';
import { completeAuthorization } from '../../src/oauth/complete.ts';
import { bubbleAction } from '../_lib/action.ts';
import { connectionAndKeys, EMPTY_GRANT_OUTPUTS, grantOutputs } from '../_lib/common.ts';
import { optionalText } from '../_lib/props.ts';

const EMPTY = {
  ...EMPTY_GRANT_OUTPUTS,
  subject: null as string | null,
  email: null as string | null,
};

/**
 * Complete authorization: on the callback page, with the page's URL (or its code and state) and the sealed state
 * from Start authorization. Returns the new sealed grant (save it: "Grant changed" is yes) and the verified identity.
 */
export default bubbleAction('Complete authorization', EMPTY, async (call) => {
  const { conn, ring, sub } = connectionAndKeys(call);
  const done = await completeAuthorization({
    conn,
    grantRing: ring,
    stateRing: sealingKeyring(call.context.keys, 'state'),
    sealedState: call.properties.sealed_state,
    callbackUrl: optionalText(call.properties, 'callback_url', 8192),
    code: optionalText(call.properties, 'code', 4096),
    state: optionalText(call.properties, 'state', 1024),
    sub,
    nowMs: Date.now(),
    onSecret: (v) => call.redactor.add(v),
  });
  const { sealed_grant, grant_changed, expires_at, refresh_expires_at, scope } = grantOutputs(done.grant, done.sealed, undefined, Math.floor(Date.now() / 1000));
  return { sealed_grant, grant_changed, expires_at, refresh_expires_at, scope, subject: done.identity?.subject ?? null, email: done.identity?.email ?? null };
});
