/**
 * The Call API core never puts a secret in an error: every mode, with a canary in every secret setting, through
 * refusals, signer errors, an upstream that stalls (timeout), fails (retries) or resets, and a bearer grant that no
 * longer works. (The built action's redactor is a further line; this proves the first one.)
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callApi, type CallRequest } from '../src/call/call-api.ts';
import { resolveConnection } from '../src/config/connections.ts';
import { sealingKeyring } from '../src/config/sealing.ts';
import { sealGrant } from '../src/seal/grant.ts';
import { decodedForms } from './support/canary.ts';
import { echoApiAndFaults } from './support/echo-api.ts';

const CANARY = `cnry${randomBytes(6).toString('hex')}`;
const SEALING = randomBytes(32).toString('base64url');
const servers = echoApiAndFaults();

const MODES: Record<string, Record<string, unknown>> = {
  api_key: { mode: 'api_key', api_key: `key-${CANARY}` },
  hmac: { mode: 'hmac', hmac_secret: `hmac-${CANARY}`, hmac_preset: 'stripe' },
  aws_sigv4: { mode: 'aws_sigv4', aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: `aws-${CANARY}`, aws_session_token: `tok-${CANARY}`, aws_region: 'eu-west-1', aws_service: 'execute-api' },
  jwt_signed: { mode: 'jwt_signed', jwt_secret: `jwt-${CANARY}` },
  http_signature: { mode: 'http_signature', sig_alg: 'hmac-sha256', sig_key_id: 'k1', sig_key: Buffer.from(`sig-${CANARY}-0123456789abcdef`).toString('base64') },
  client_credentials: { mode: 'client_credentials', token_endpoint: '', client_id: 'cid', client_secret: `cc-${CANARY}` },
  oauth_bearer: { token_endpoint: '', client_id: 'cid', client_secret: `ob-${CANARY}` },
};

function request(name: string, extra: Partial<CallRequest> = {}): CallRequest {
  const settings = { ...MODES[name], api_base_url: servers.api.base, allow_insecure_http: true, timeout: 1 } as Record<string, unknown>;
  if ('token_endpoint' in settings) settings.token_endpoint = servers.faults.tokenUrl('ok');
  const keys = { 'Sealing key': SEALING, Connections: JSON.stringify({ c: settings }) };
  const ring = sealingKeyring(keys, 'grant');
  const rt = `rt-${CANARY}`;
  const sealed = sealGrant({ v: 1, conn: 'c', at: `at-${CANARY}`, rt, exp: Math.floor(Date.now() / 1000) + 3600, token_type: 'Bearer', iat: 0, gen: 0 }, ring);
  return {
    conn: resolveConnection(keys, 'c'), ring: () => ring, sealedGrant: sealed, method: 'GET', path: '/items', query: [], headers: [], bodyType: 'json',
    fields: [], timeoutS: 2, idempotent: false, onSecret: () => undefined, onGrant: () => undefined, ...extra,
  };
}

/** The error's message and code, decoded every way, hold no run of the canary. */
function expectClean(e: unknown): void {
  const text = `${(e as Error).message} ${(e as { code?: string }).code ?? ''} ${String((e as Error).stack)}`;
  for (const form of decodedForms(text)) expect(form.includes(CANARY.slice(4)), `leak in: ${text.slice(0, 200)}`).toBe(false);
}

describe.each(Object.keys(MODES))('%s', (mode) => {
  it('refusals, a stalled, failing or resetting upstream: typed errors without a secret', async () => {
    const failures: unknown[] = [];
    const attempt = async (extra: Partial<CallRequest>) => { await callApi(request(mode, extra)).then(() => undefined, (e: unknown) => failures.push(e)); };
    await attempt({ path: '/../admin' });
    await attempt({ headers: [['X-Evil', `a\r\nb-${CANARY}`]] });
    servers.api.set('stall');
    await attempt({ timeoutS: 1 });
    servers.api.set('reset');
    await attempt({});
    servers.api.set('fail');
    const failed = await callApi(request(mode)).catch((e: unknown) => e);
    servers.api.set('unauthorized');
    await attempt({});
    expect(failures.length).toBeGreaterThanOrEqual(4);
    for (const e of failures) {
      expect((e as { status?: string }).status, String(e)).toMatch(/^(rejected|temporarily_unavailable|reauthorization_required|misconfigured)$/);
      expectClean(e);
    }
    if (failed instanceof Error) expectClean(failed);
  }, 20_000);
});
