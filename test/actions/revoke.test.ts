/** Revoke through the built action: what it does when it cannot revoke (the grant always comes back unchanged). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CANARY, canaryKeys, sealingKey, tracked } from '../support/canary.ts';
import { startFaultServer, type FaultServer } from '../support/fault-server.ts';
import { actionKit } from '../support/kit.ts';

const SEALING = sealingKey();
const RT = `rt-${CANARY}-revoke`;
tracked.add(RT);
let faults: FaultServer;
let keys: Record<string, string>;
const { run } = actionKit(() => keys);
beforeAll(async () => {
  faults = await startFaultServer();
  const base = { allow_insecure_http: true, client_id: 'rev-client', client_secret: `s-${CANARY}`, timeout: 1 };
  keys = canaryKeys({
    ms: { preset: 'microsoft', client_id: 'rev-client', client_secret: `s-${CANARY}` },
    down: { ...base, token_endpoint: faults.tokenUrl('ok'), revocation_endpoint: faults.tokenUrl('http_503') },
    echo: { ...base, token_endpoint: faults.tokenUrl('ok'), revocation_endpoint: faults.tokenUrl('echo_encoded') },
  }, SEALING);
});
afterAll(() => faults?.close());

const sealed = async (connection: string) => String((await run('seal-token', { connection, refresh_token: RT })).sealed_grant);

it('a provider without a revocation endpoint: misconfigured revocation_unsupported, grant unchanged, no request', async () => {
  const grant = await sealed('ms');
  const out = await run('revoke', { connection: 'ms', sealed_grant: grant });
  expect(out).toMatchObject({ status: 'misconfigured', error_code: 'revocation_unsupported', sealed_grant: grant, grant_changed: false });
  expect(out.error_message).toMatch(/delete the stored grant/);
});

it('a revocation endpoint that is down: temporarily_unavailable, grant unchanged', async () => {
  const grant = await sealed('down');
  expect(await run('revoke', { connection: 'down', sealed_grant: grant })).toMatchObject({ status: 'temporarily_unavailable', error_code: 'provider_unavailable', sealed_grant: grant, grant_changed: false });
  expect(faults.requestsFor('http_503').at(-1)?.form).toMatchObject({ token: RT, token_type_hint: 'refresh_token' });
});

it("a revocation endpoint's echo of the token never reaches an output", async () => {
  const grant = await sealed('echo');
  const out = await run('revoke', { connection: 'echo', sealed_grant: grant });
  expect(out).toMatchObject({ status: 'misconfigured', error_code: 'invalid_request', sealed_grant: grant });
});

it('a grant that does not open: reauthorization_required, nothing sent', async () => {
  const before = faults.requests.length;
  expect(await run('revoke', { connection: 'down', sealed_grant: 'not-a-grant' })).toMatchObject({ status: 'reauthorization_required', error_code: 'grant_invalid', sealed_grant: 'not-a-grant' });
  expect(faults.requests.length).toBe(before);
});
