/**
 * The built Call API action never hands back a secret: every mode, with the canary in every plugin key and every
 * secret setting, through refusals, an upstream that stalls (timeout), fails (retries), resets, refuses (401) or
 * echoes the credential it received in its body. The kit checks every output and printed line after each test, in
 * every decoded form (test/support/canary.ts). src/call's own errors are checked in test/call-api-canary.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CANARY, canaryKeys, sealingKey, tracked } from '../support/canary.ts';
import { actionKit } from '../support/kit.ts';
import { echoApiAndFaults } from '../support/echo-api.ts';

const SEALING = sealingKey();
const servers = echoApiAndFaults();

const ec = () => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'k-1' });
const MODES: Record<string, Record<string, unknown>> = {
  api_key: { mode: 'api_key', api_key: `key-${CANARY}` },
  api_key_query: { mode: 'api_key', api_key: `key-${CANARY}`, api_key_query: 'k' },
  hmac: { mode: 'hmac', hmac_secret: `hmac-${CANARY}`, hmac_preset: 'stripe' },
  aws_sigv4: { mode: 'aws_sigv4', aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: `aws-${CANARY}`, aws_session_token: `tok-${CANARY}`, aws_region: 'eu-west-1', aws_service: 'execute-api' },
  jwt_signed: { mode: 'jwt_signed', jwt_secret: `jwt-${CANARY}` },
  jwt_signed_jwk: { mode: 'jwt_signed', jwt_private_jwk: ec() },
  http_signature: { mode: 'http_signature', sig_alg: 'hmac-sha256', sig_key_id: 'k1', sig_key: Buffer.from(`sig-${CANARY}-0123456789abcdef`).toString('base64') },
  client_credentials: { mode: 'client_credentials', client_id: 'cid', client_secret: `cc-${CANARY}` },
  oauth_bearer: { client_id: 'cid', client_secret: `ob-${CANARY}` },
};
const keys = (mode: string) => canaryKeys({ c: { ...MODES[mode], api_base_url: servers.api.base, allow_insecure_http: true, timeout: 1, ...(/bearer|credentials/.test(mode) ? { token_endpoint: servers.faults.tokenUrl('ok') } : {}) } }, SEALING);
const { run } = actionKit(() => ({}));

describe.each(Object.keys(MODES))('%s', (mode) => {
  it('refusals, an echoing, stalled, failing, resetting or refusing upstream: no secret in any output', async () => {
    const k = keys(mode);
    const at = `at-${CANARY}-${mode}`;
    tracked.add(at);
    const sealed = (await run('seal-token', { connection: 'c', refresh_token: `rt-${CANARY}-${mode}`, access_token: at, expires_at: new Date(Date.now() + 3_600_000) }, k)).sealed_grant;
    const call = (props: Record<string, unknown> = {}) => run('call-api', { connection: 'c', path: '/items', sealed_grant: sealed, fields: ['echo', 'b64'], timeout: 2, ...props }, k);
    const statuses: unknown[] = [];
    const note = (o: Record<string, unknown>) => statuses.push(o.status === 'ok' ? o.status_code : o.error_code);
    note(await call({ path: '/../admin' }));
    note(await call({ headers: [{ key: 'X-Evil', value: `a\r\nb-${CANARY}` }] }));
    servers.api.set('echo');
    note(await call());
    servers.api.set('stall');
    note(await call({ timeout: 1 }));
    servers.api.set('reset');
    note(await call());
    servers.api.set('fail');
    note(await call());
    servers.api.set('unauthorized');
    note(await call());
    for (const t of [servers.faults.lastIssued?.access_token, servers.faults.lastIssued?.refresh_token]) if (t) tracked.add(t);
    expect(statuses.slice(0, 6)).toEqual(['path_refused', 'header_invalid', 200, 'timeout', 'network_error', 503]);
    expect(statuses[6]).toBe(mode === 'oauth_bearer' ? 'api_unauthorized' : 401);
  }, 30_000);
});
