import { sealingKeyring } from '../../src/config/sealing.ts';
import { InputError } from '../../src/errors.ts';
import { startAuthorization } from '../../src/oauth/authorize.ts';
import { bubbleAction } from '../_lib/action.ts';
import { connectionAndKeys } from '../_lib/common.ts';
import { optionalScope, optionalText, requiredText } from '../_lib/props.ts';

const EMPTY = { authorization_url: null as string | null, sealed_state: null as string | null };

/**
 * Start authorization: the URL to open for the user, and the sealed state to keep until the callback (on the
 * Current User, say). The state is sealed, so nothing is stored on the server and the page learns no secret.
 */
export default bubbleAction('Start authorization', EMPTY, async (call) => {
  const { conn, sub } = connectionAndKeys(call);
  const prompt = optionalText(call.properties, 'prompt', 64);
  if (prompt !== undefined && !/^[a-z_]+( [a-z_]+)*$/.test(prompt)) throw new InputError('invalid_input', 'prompt must be words such as consent, login, select_account or none, separated by spaces');
  const started = await startAuthorization({
    conn,
    ring: sealingKeyring(call.context.keys, 'state'),
    redirectUri: requiredText(call.properties, 'redirect_uri', 2048),
    scopes: optionalScope(call.properties, 'scopes', 2048)?.split(' ') ?? [],
    loginHint: optionalText(call.properties, 'login_hint', 256),
    prompt,
    sub,
    nowMs: Date.now(),
  });
  return { authorization_url: started.url, sealed_state: started.sealedState };
});
