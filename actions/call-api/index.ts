import { callApi, type BodyType, type CallRequest } from '../../src/call/call-api.ts';
import { sealingKeyring } from '../../src/config/sealing.ts';
import { lockStoreOf } from '../../src/coord/store.ts';
import { InputError } from '../../src/errors.ts';
import type { GrantInHand } from '../../src/grant/lifecycle.ts';
import { bubbleAction, type ActionCall } from '../_lib/action.ts';
import { connectionAndSub, grantOutputs } from '../_lib/common.ts';
import { flag, keyValueList, optionalNumber, optionalText, textList } from '../_lib/props.ts';

const EMPTY = {
  status_code: null as number | null,
  ok: false,
  body: null as string | null,
  fields: null as (string | null)[] | null,
  headers: null as string[] | null,
  sealed_grant: null as string | null,
  grant_changed: false,
  refreshed: false,
  refresh_expires_at: null as Date | null,
  coordination: null as string | null,
};
const BODY_TYPES: readonly BodyType[] = ['json', 'form', 'text'];
/** The grant a call refreshed, per call: handed back even when the call itself then fails. */
const latest = new WeakMap<ActionCall, GrantInHand>();

/** Per call: the request handed to the core, to read what it learnt on the way (how a client token was shared). */
const requests = new WeakMap<ActionCall, CallRequest>();

function grantResult(call: ActionCall) {
  const g = latest.get(call);
  const input = call.properties.sealed_grant;
  const coordination = requests.get(call)?.coordination ?? null;
  if (!g) return { sealed_grant: typeof input === 'string' && input.trim() !== '' ? input : null, grant_changed: false, refreshed: false, coordination };
  const { sealed_grant, grant_changed, refresh_expires_at } = grantOutputs(g.grant, g.sealed, input, Math.floor(Date.now() / 1000));
  return { sealed_grant, grant_changed, refresh_expires_at, refreshed: g.refreshed, coordination: g.coordination };
}

/**
 * Call API: a signed call to the connection's concealed base URL + path, made on the server. An upstream 4xx/5xx
 * is a result (`ok` = no, `status_code` set); the status outputs say when the plugin could not make the call.
 */
export default bubbleAction(
  'Call API',
  EMPTY,
  async (call) => {
    const { conn, sub } = connectionAndSub(call);
    const p = call.properties;
    const bodyType = (optionalText(p, 'body_type', 8) ?? 'json') as BodyType;
    if (!BODY_TYPES.includes(bodyType)) throw new InputError('invalid_input', 'body_type must be json, form or text');
    const req: CallRequest = {
      conn, sub,
      // only bearer grants need the sealing key: other modes never judge or derive it
      ring: () => sealingKeyring(call.context.keys, 'grant'),
      store: lockStoreOf(call.context.keys),
      sealedGrant: p.sealed_grant,
      method: optionalText(p, 'method', 16) ?? 'GET',
      // egress refuses a path over 4096 characters by its own rule (path_refused)
      path: optionalText(p, 'path', 8192) ?? '/',
      query: await keyValueList(p, 'query'),
      headers: await keyValueList(p, 'headers'),
      body: optionalText(p, 'body', 1024 * 1024),
      bodyType,
      fields: await textList(p, 'fields', 50, 256),
      timeoutS: optionalNumber(p, 'timeout', 1, 120) ?? 30,
      idempotent: flag(p, 'idempotent'),
      onSecret: (v) => call.redactor.add(v),
      onGrant: (g) => latest.set(call, g),
    };
    requests.set(call, req);
    const result = await callApi(req);
    return {
      status_code: result.status,
      ok: result.status >= 200 && result.status < 300,
      body: result.body,
      fields: result.fields,
      headers: result.headers,
      ...grantResult(call),
    };
  },
  grantResult,
);
