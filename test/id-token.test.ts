/** src/oauth/id-token: an issuer's alternative `iss` (Google's legacy `accounts.google.com`) is accepted, nothing else. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveConnection } from '../src/config/connections.ts';
import type { Endpoints } from '../src/oauth/endpoints.ts';
import { verifyIdToken } from '../src/oauth/id-token.ts';
import { startFakeIssuer, type FakeIssuer } from './support/fake-issuer.ts';

let fake: FakeIssuer;
beforeAll(async () => {
  fake = await startFakeIssuer({ marker: 'x', onIssue: () => undefined });
});
afterAll(() => fake?.close());

it("accepts the issuer and its documented alias, refuses any other iss", async () => {
  const conn = resolveConnection({ Connections: JSON.stringify({ g: { token_endpoint: `${fake.url}/token`, allow_insecure_http: true, client_id: 'cid', client_secret: 's3cret-value' } }) }, 'g');
  const endpoints = { token: new URL(`${fake.url}/token`), jwks: new URL(`${fake.url}/jwks`), idTokenIssuer: 'https://accounts.google.com', idTokenAlsoIssuer: 'accounts.google.com', issInResponse: false, parRequired: false } as Endpoints;
  const now = Math.floor(Date.now() / 1000);
  const token = (iss: string) => fake.sign({ iss, aud: 'cid', sub: 'u1', nonce: 'n1', iat: now, exp: now + 300 });
  for (const iss of ['https://accounts.google.com', 'accounts.google.com']) {
    expect(await verifyIdToken(await token(iss), conn, endpoints, 'n1', Date.now())).toMatchObject({ subject: 'u1' });
  }
  await expect(verifyIdToken(await token('https://accounts.google.com.evil.test'), conn, endpoints, 'n1', Date.now())).rejects.toMatchObject({ code: 'id_token_issuer' });
  const { idTokenAlsoIssuer: _alias, ...strict } = endpoints;
  await expect(verifyIdToken(await token('accounts.google.com'), conn, strict as Endpoints, 'n1', Date.now())).rejects.toMatchObject({ code: 'id_token_issuer' });
});
