/** Connection settings from the plugin keys: the default connection, Connections JSON, errors that name fields. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveConnection } from '../src/config/connections.ts';
import { resolveEndpoints } from '../src/oauth/endpoints.ts';

const SECRET = 'sup3r-s3cret-value';
const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  return 'no error';
};

describe('default connection from the simple keys', () => {
  it('reads a preset Provider with its preferred client auth', async () => {
    const c = resolveConnection({ 'Client ID': 'id', 'Client secret': SECRET, Provider: 'Google', Scopes: 'openid email' }, 'default');
    expect(c).toMatchObject({ name: 'default', preset: 'google', client_id: 'id', client_secret: SECRET, token_auth: 'client_secret_post', scopes: ['openid', 'email'] });
    expect((await resolveEndpoints(c, Date.now())).token.href).toBe('https://oauth2.googleapis.com/token');
  });

  it('reads an issuer URL Provider, and refuses plain http', () => {
    expect(resolveConnection({ 'Client ID': 'id', Provider: 'https://login.example.com' }, 'default')).toMatchObject({ issuer: 'https://login.example.com', token_auth: 'none' });
    expect(messageOf(() => resolveConnection({ 'Client ID': 'id', Provider: 'http://login.example.com' }, 'default'))).toMatch(/^insecure_url: Provider must be an https URL$/);
  });

  it('refuses a default connection defined twice, and says when none exists', () => {
    const keys = { 'Client ID': 'id', Provider: 'google', Connections: JSON.stringify({ default: { preset: 'slack' } }) };
    expect(messageOf(() => resolveConnection(keys, 'default'))).toMatch(/^connection_conflict/);
    expect(messageOf(() => resolveConnection({}, 'default'))).toMatch(/^connection_unknown: No default connection/);
  });
});

describe('Connections JSON', () => {
  const conns = (c: object) => ({ Connections: JSON.stringify(c) });

  it('validates and names the wrong field, never the value', () => {
    const cases: [object, RegExp][] = [
      [{ crm: { token_endpoint: `ftp://${SECRET}` } }, /^insecure_url: Connections\["crm"\]\.token_endpoint must be an https URL$/],
      [{ crm: { client_secret: 42 } }, /^invalid_setting: Connections\["crm"\]\.client_secret must be text$/],
      [{ crm: { token_auth: SECRET } }, /^invalid_setting: Connections\["crm"\]\.token_auth must be one of/],
      [{ crm: { preset: SECRET } }, /^unknown_preset: Connections\["crm"\]\.preset is not a known provider preset/],
      [{ crm: { allow_insecure_http: true, token_endpoint: 'http://example.com/token' } }, /allow_insecure_http is only allowed for loopback/],
      [{ crm: { timeout: 600 } }, /timeout must be between 1 and 60/],
      [{ crm: 'x' }, /^connections_invalid: Connections\["crm"\] must be an object/],
    ];
    for (const [c, re] of cases) {
      const m = messageOf(() => resolveConnection(conns(c), 'crm'));
      expect(m).toMatch(re);
      expect(m).not.toContain(SECRET);
    }
    expect(messageOf(() => resolveConnection({ Connections: `{"crm": "${SECRET}` }, 'crm'))).toBe('connections_invalid_json: Connections is not valid JSON');
  });

  it('accepts loopback http only with allow_insecure_http, and picks token_auth from the credential', () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const c = resolveConnection(conns({ local: { allow_insecure_http: true, token_endpoint: 'http://127.0.0.1:8080/token', client_id: 'a', private_key_jwk: JSON.stringify(jwk) } }), 'local');
    expect(c).toMatchObject({ token_auth: 'private_key_jwt', private_key_jwk: { kty: 'EC', d: jwk.d } });
    expect(messageOf(() => resolveConnection(conns({ local: { token_endpoint: 'http://127.0.0.1:8080/token' } }), 'local'))).toMatch(/^insecure_url/);
  });

  it('fills preset placeholders only with values on the provider\'s own domains', async () => {
    const ms = (tenant: string) => resolveConnection(conns({ m: { preset: 'microsoft', tenant, client_id: 'a' } }), 'm');
    expect((await resolveEndpoints(ms('contoso.onmicrosoft.com'), Date.now())).token.href).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
    expect(messageOf(() => ms('evil.example/x?'))).toMatch(/^invalid_setting: Connections\["m"\]\.tenant is not a valid value/);
    for (const host of ['login.salesforce.com.evil.test', 'evil.example.com']) {
      const m = messageOf(() => resolveConnection(conns({ s: { preset: 'salesforce', login_host: host, client_id: 'a' } }), 's'));
      expect(m).toMatch(/^invalid_setting: Connections\["s"\]\.login_host is not a valid value for the salesforce preset/);
      expect(m).not.toContain(host);
    }
  });
});
