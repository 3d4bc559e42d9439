// @ts-check
/**
 * Figure: refresh round trip against the same local oidc-provider (refresh-token rotation on). The built
 * refresh-token action with force: true against openid-client v6 refreshTokenGrant, same server, same
 * client (client_secret_basic). Each side keeps its own rotating chain: ours feeds each returned sealed
 * grant back (always the new one: the action keeps a 60 s replay cache keyed by the refresh token), the
 * peer the new refresh_token. openid-client's discovery is done once, outside the timed part.
 * The provider runs in its own process (oidc-child.mjs), as a real one would: its work and GC pauses
 * then cost both sides latency alike instead of CPU time in whichever side is running.
 */
import * as oidc from 'openid-client';
import { callAction, loadAction } from '../../lib/harness.mjs';
import { obtainGrant } from '../../lib/oidc-server.mjs';
import { benchKeys, sealGrant, startOidcChild } from '../fixtures.mjs';
import { interleave, result, timed } from '../lib.mjs';

/** @type {import('../lib.mjs').Figure} */
export default {
  id: 'refresh-roundtrip',
  async run({ pluginDir, quick }) {
    const oidcChild = await startOidcChild();
    try {
      const { server, tokenRequests } = oidcChild;
      const client = { client_id: oidcChild.client.id };
      const secret = oidcChild.client.secret;
      const grant = () => obtainGrant({ issuer: server.issuer, clientId: client.client_id, clientSecret: secret, tokenAuth: 'client_secret_basic', scope: 'api:read' });

      // Ours: the built action, with the endpoint configured (no discovery per call).
      const keys = benchKeys({
        bench: { issuer: server.issuer, token_endpoint: server.tokenEndpoint, allow_insecure_http: true, client_id: client.client_id, client_secret: secret, token_auth: 'client_secret_basic' },
      });
      const first = await grant();
      let sealed = await sealGrant(pluginDir, keys, {
        connection: 'bench', access_token: first.access_token, refresh_token: first.refresh_token,
        expires_at: new Date(Date.now() + first.expires_in * 1000).toISOString(), ...(first.scope ? { scope: first.scope } : {}),
      });
      const action = loadAction(pluginDir, 'refresh-token');
      const ours = async () => {
        const out = await callAction(action, { connection: 'bench', sealed_grant: sealed, force: true }, keys);
        if (out.status !== 'ok' || out.refreshed !== true || typeof out.sealed_grant !== 'string') throw new Error(`refresh-token answered ${String(out.status)}/${String(out.error_code)}`);
        sealed = out.sealed_grant;
      };

      // Peer: openid-client, discovered once.
      const config = await oidc.discovery(new URL(server.issuer), client.client_id, secret, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
      let refreshToken = (await grant()).refresh_token;
      const peer = async () => {
        if (!refreshToken) throw new Error('peer chain lost its refresh token');
        const tokens = await oidc.refreshTokenGrant(config, refreshToken);
        if (!tokens.refresh_token || tokens.refresh_token === refreshToken) throw new Error('openid-client: refresh token not rotated');
        refreshToken = tokens.refresh_token;
      };

      const batch = quick ? 3 : 10;
      const before = await tokenRequests();
      const rounds = quick ? 6 : 61;
      const warmup = quick ? 2 : 4;
      const samples = await interleave({ ours: timed(ours, batch), peer: timed(peer, batch), rounds, warmup });
      const expected = 2 * batch * (rounds + warmup);
      const seen = (await tokenRequests()) - before;
      if (seen !== expected) throw new Error(`expected ${expected} token requests, the server saw ${seen}`);
      return [result({
        figure: 'refresh round trip (oidc-provider, rotation) / openid-client refreshTokenGrant',
        unit: 'ms', target: '≤ 1.15×', samples, met: ({ ratio }) => ratio <= 1.15,
      })];
    } finally {
      await oidcChild.close();
    }
  },
};
