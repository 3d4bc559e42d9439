import { coordinationOf, lockStoreOf } from '../../src/coord/store.ts';
import { refreshIfExpiring } from '../../src/grant/lifecycle.ts';
import { bubbleAction } from '../_lib/action.ts';
import { connectionAndKeys, EMPTY_GRANT_OUTPUTS, grantOutputs, keepInputGrant } from '../_lib/common.ts';
import { flag, optionalNumber } from '../_lib/props.ts';

const EMPTY = {
  ...EMPTY_GRANT_OUTPUTS,
  refreshed: false,
  expires_in: null as number | null,
  generation: null as number | null,
  coordination: null as string | null,
};

/** Refresh token: refreshes the sealed grant when its access token expires within min_validity seconds. */
export default bubbleAction(
  'Refresh token',
  EMPTY,
  async (call) => {
    const { conn, ring, sub } = connectionAndKeys(call);
    const input = call.properties.sealed_grant;
    const result = await refreshIfExpiring({
      conn,
      ring,
      sub,
      sealedGrant: input,
      minValidity: optionalNumber(call.properties, 'min_validity', 0, 86_400) ?? 300,
      force: flag(call.properties, 'force'),
      onSecret: (v) => call.redactor.add(v),
      store: lockStoreOf(call.context.keys),
    });
    return { ...grantOutputs(result.grant, result.sealed, input, Math.floor(Date.now() / 1000)), refreshed: result.refreshed, coordination: result.coordination };
  },
  (call) => ({ ...keepInputGrant(call), coordination: coordinationOf(call.context.keys) }),
);
