// @ts-check
/**
 * Test/demo tooling: a real OAuth 2.0 / OIDC authorization server (oidc-provider) on
 * http://127.0.0.1:<ephemeral port>, plus a self-contained headless authorization-code + PKCE
 * client (`obtainGrant`). Separate from the product's own OAuth client on purpose.
 *
 * Facts checked against oidc-provider 9.13.3 (see /work/shared/OIDC_PROVIDER_NOTES.md too):
 * - private_key_jwt `aud`: the provider accepts the issuer identifier, the token endpoint URL, or the
 *   URL of the endpoint being called (lib/shared/jwt_client_auth.js, `clientJwtAuthExpectedAudience`);
 *   an array `aud` passes if any member matches. Only the FAPI 2.0 profile insists on the issuer.
 *   Both the issuer and the token endpoint URL are exercised in test/oidc-server.test.ts.
 *   Assertions also need `exp` and `jti`, and a `jti` is accepted only once (replay detection).
 * - The provider prints NOTICE/WARNING lines via console.info/console.warn. Runtime ones ("default
 *   ... function called") are avoided by configuring every such hook (ttl.*, findAccount, renderError,
 *   clientBasedCORS, introspection/revocation allowedPolicy); the adapter and dev-keys warnings by
 *   passing our own adapter and jwks. Two warnings cannot be configured away: "Unsupported runtime"
 *   (printed when the package is first imported on Node < 22; it runs fine on Node 20) and the
 *   devInteractions one (printed by `new Provider()`). For those, the package is imported lazily and
 *   constructed while console.info/warn drop lines starting with "oidc-provider NOTICE/WARNING:";
 *   everything else still passes through.
 */
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { createServer } from 'node:http';

import { SignJWT, exportJWK, generateKeyPair, importJWK } from 'jose';
// Internal module (the package has no "exports" map): a per-provider in-memory store, so that
// servers in the same process never share or evict each other's grants, and so that the
// "in-memory adapter" warning is not printed. Semantics equal the default adapter's.
// @ts-ignore -- oidc-provider ships no type declarations
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';

/** @typedef {'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none'} TokenAuthMethod */

/**
 * @typedef {object} OidcClientOption
 * @property {string} client_id
 * @property {string} [client_secret] random when omitted for secret-based methods
 * @property {TokenAuthMethod} token_endpoint_auth_method
 * @property {{ keys: import('jose').JWK[] }} [jwks] public keys; for private_key_jwt a fresh ES256 pair is made when omitted
 * @property {string[]} [redirect_uris] default: the server's `redirectUris` option
 * @property {string[]} [grant_types] default: authorization_code, refresh_token, client_credentials
 * @property {string[]} [response_types] default: ['code']
 */

/**
 * @typedef {object} OidcClientInfo
 * @property {string} client_id
 * @property {string} [client_secret]
 * @property {TokenAuthMethod} token_endpoint_auth_method
 * @property {string[]} redirect_uris
 * @property {string[]} grant_types
 * @property {{ keys: import('jose').JWK[] }} [jwks]
 * @property {import('jose').JWK} [privateJwk] private ES256 JWK (with kid and alg) when this module generated the key
 */

/**
 * @typedef {object} StartOidcServerOptions
 * @property {OidcClientOption[]} [clients] replaces the three default clients
 * @property {Record<string, string>} [clientSecrets] secrets for the default clients, keyed by client_id
 * @property {string[]} [redirectUris] redirect URIs of the default clients (default ['http://127.0.0.1/callback'])
 * @property {number} [accessTokenTtl] seconds, default 60 (also used for client_credentials tokens)
 * @property {number} [refreshTokenTtl] seconds, default 86400 (also Session and Grant lifetime)
 */

/**
 * @typedef {object} OidcServer
 * @property {string} issuer
 * @property {number} port
 * @property {number} tokenRequests token-endpoint POSTs received so far (a getter)
 * @property {string} tokenEndpoint
 * @property {string} revocationEndpoint
 * @property {string} introspectionEndpoint
 * @property {string} authorizationEndpoint
 * @property {OidcClientInfo[]} clients
 * @property {() => Promise<void>} close
 */

/**
 * @typedef {object} TokenResponse
 * @property {string} access_token
 * @property {string} [refresh_token]
 * @property {number} expires_in
 * @property {string} [id_token]
 * @property {string} [scope]
 * @property {string} token_type
 */

export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';
const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'];
const ROUTES = {
  authorization: '/auth',
  token: '/token',
  revocation: '/token/revocation',
  introspection: '/token/introspection',
};

/** @param {number} n */
const randomString = (n = 32) => randomBytes(n).toString('base64url');

/** @returns {Promise<{ publicJwk: import('jose').JWK, privateJwk: import('jose').JWK }>} */
async function es256Pair() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  return { publicJwk, privateJwk };
}

const PROVIDER_NOTICE = /^(?:\x1b\[[0-9;]*m)?oidc-provider (?:NOTICE|WARNING):/;

/**
 * Run `fn` while console.info/warn drop oidc-provider's own NOTICE/WARNING lines.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withoutProviderNotices(fn) {
  const { info, warn } = console;
  /** @param {(...args: any[]) => void} orig */
  const filtered = (orig) => (/** @type {any[]} */ ...args) => {
    if (typeof args[0] === 'string' && PROVIDER_NOTICE.test(args[0])) return;
    orig.apply(console, args);
  };
  const fInfo = filtered(info);
  const fWarn = filtered(warn);
  console.info = fInfo;
  console.warn = fWarn;
  try {
    return await fn();
  } finally {
    // Restore only if nobody replaced them meanwhile (e.g. a test spy).
    if (console.info === fInfo) console.info = info;
    if (console.warn === fWarn) console.warn = warn;
  }
}

/**
 * Start oidc-provider on 127.0.0.1 with an ephemeral port.
 * @param {StartOidcServerOptions} [options]
 * @returns {Promise<OidcServer>}
 */
export async function startOidcServer(options = {}) {
  const accessTokenTtl = options.accessTokenTtl ?? 60;
  const refreshTokenTtl = options.refreshTokenTtl ?? 24 * 60 * 60;
  const redirectUris = options.redirectUris ?? [DEFAULT_REDIRECT_URI];
  const secrets = options.clientSecrets ?? {};

  /** @type {OidcClientOption[]} */
  const requested = options.clients ?? [
    { client_id: 'basic-client', token_endpoint_auth_method: 'client_secret_basic' },
    { client_id: 'post-client', token_endpoint_auth_method: 'client_secret_post' },
    { client_id: 'jwt-client', token_endpoint_auth_method: 'private_key_jwt' },
  ];

  /** @type {OidcClientInfo[]} */
  const clients = [];
  for (const c of requested) {
    /** @type {OidcClientInfo} */
    const info = {
      client_id: c.client_id,
      token_endpoint_auth_method: c.token_endpoint_auth_method,
      redirect_uris: c.redirect_uris ?? redirectUris,
      grant_types: c.grant_types ?? ['authorization_code', 'refresh_token', 'client_credentials'],
    };
    const method = c.token_endpoint_auth_method;
    if (method === 'client_secret_basic' || method === 'client_secret_post') {
      info.client_secret = c.client_secret ?? secrets[c.client_id] ?? randomString();
    }
    if (method === 'private_key_jwt') {
      if (c.jwks) {
        info.jwks = c.jwks;
      } else {
        const { publicJwk, privateJwk } = await es256Pair();
        info.jwks = { keys: [publicJwk] };
        info.privateJwk = privateJwk;
      }
    }
    clients.push(info);
  }

  const { privateKey: rsa } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await exportJWK(rsa)), kid: randomUUID(), alg: 'RS256', use: 'sig' };

  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('oidc-server: no TCP address');
  const { port } = address;
  const issuer = `http://127.0.0.1:${port}`;

  const configuration = {
    adapter: createMemoryAdapter(0),
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomString()] },
    clients: clients.map((c) => ({
      client_id: c.client_id,
      ...(c.client_secret !== undefined ? { client_secret: c.client_secret } : {}),
      token_endpoint_auth_method: c.token_endpoint_auth_method,
      ...(c.jwks ? { jwks: c.jwks } : {}),
      redirect_uris: c.redirect_uris,
      grant_types: c.grant_types,
      response_types: requested.find((r) => r.client_id === c.client_id)?.response_types ?? ['code'],
    })),
    routes: ROUTES,
    scopes: SCOPES,
    claims: { openid: ['sub'], email: ['email'], profile: [] },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async (
      /** @type {any} */ _ctx,
      /** @type {any} */ client,
      /** @type {any} */ code,
    ) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true, allowedPolicy: async () => true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      clientCredentials: { enabled: true },
    },
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      ClientCredentials: accessTokenTtl,
      IdToken: 3600,
      Interaction: 600,
      Session: refreshTokenTtl,
      Grant: refreshTokenTtl,
      RefreshToken: refreshTokenTtl,
    },
    clientBasedCORS: () => false,
    findAccount: async (/** @type {any} */ _ctx, /** @type {string} */ id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id}@example.test` }),
    }),
    // Plain error page without echoing request parameters.
    renderError: async (/** @type {any} */ ctx, /** @type {{ error?: string }} */ out) => {
      ctx.type = 'text/plain';
      ctx.body = `error: ${out.error ?? 'server_error'}`;
    },
  };

  /** @type {any} */
  let provider;
  try {
    provider = await withoutProviderNotices(async () => {
      // @ts-ignore -- oidc-provider ships no type declarations
      const { default: Provider } = await import('oidc-provider');
      return new Provider(issuer, configuration);
    });
  } catch (e) {
    server.close();
    throw e;
  }
  provider.silent = true; // Koa: do not console.error uncaught errors
  provider.on('server_error', () => {});
  const handle = provider.callback();
  const counts = { token: 0 };
  // Counted before the provider sees the request: tests prove "no request" and "one request" with it.
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url === ROUTES.token) counts.token++;
    handle(req, res);
  });

  return {
    issuer,
    /** token-endpoint POSTs received so far */
    get tokenRequests() {
      return counts.token;
    },
    port,
    tokenEndpoint: issuer + ROUTES.token,
    revocationEndpoint: issuer + ROUTES.revocation,
    introspectionEndpoint: issuer + ROUTES.introspection,
    authorizationEndpoint: issuer + ROUTES.authorization,
    clients,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Error whose message never carries secret or token values.
 * @param {string} step
 * @param {Response} [res]
 * @param {any} [body]
 */
function grantError(step, res, body) {
  const parts = [`obtainGrant: ${step} failed`];
  if (res) parts.push(`HTTP ${res.status}`);
  if (body && typeof body === 'object' && typeof body.error === 'string') {
    // Only the OAuth error code: an error_description could echo request data.
    parts.push(`error=${body.error.replace(/[^a-z_]/gi, '')}`);
  }
  return new Error(parts.join(', '));
}

/** Minimal cookie jar: name -> value, paths and domains ignored (single loopback origin). */
class CookieJar {
  /** @type {Map<string, string>} */
  #jar = new Map();

  /** @param {Response} res */
  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const i = pair.indexOf('=');
      if (i <= 0) continue;
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = /;\s*expires=Thu, 01 Jan 1970/i.test(line) || /;\s*max-age=0\b/i.test(line);
      if (expired || value === '') this.#jar.delete(name);
      else this.#jar.set(name, value);
    }
  }

  header() {
    return [...this.#jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Run the authorization code + PKCE (S256) flow headlessly through devInteractions and exchange
 * the code at the token endpoint. Asks `openid offline_access <scope>` with `prompt=consent`.
 * @param {object} args
 * @param {string} args.issuer
 * @param {string} args.clientId
 * @param {string} [args.clientSecret] for client_secret_basic / client_secret_post
 * @param {import('jose').JWK} [args.privateJwk] for private_key_jwt (ES256/RS256 JWK with alg or ES256 assumed)
 * @param {'client_secret_basic' | 'client_secret_post' | 'private_key_jwt'} args.tokenAuth
 * @param {string} [args.redirectUri] default DEFAULT_REDIRECT_URI
 * @param {string} [args.scope] extra scopes, space separated
 * @param {string} [args.accountId] default 'alice'
 * @returns {Promise<TokenResponse>}
 */
export async function obtainGrant({
  issuer,
  clientId,
  clientSecret,
  privateJwk,
  tokenAuth,
  redirectUri = DEFAULT_REDIRECT_URI,
  scope = '',
  accountId = 'alice',
}) {
  const verifier = randomString();
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomString(16);
  const jar = new CookieJar();

  const auth = new URL(issuer + ROUTES.authorization);
  auth.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: ['openid', 'offline_access', ...scope.split(' ')].filter(Boolean).join(' '),
    state,
    nonce: randomString(16),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'consent',
  }).toString();

  /** @type {string} */
  let url = auth.href;
  /** @type {{ method: string, body?: URLSearchParams }} */
  let request = { method: 'GET' };
  /** @type {string | undefined} */
  let callback;
  for (let step = 0; step < 12 && !callback; step++) {
    const res = await fetch(url, {
      method: request.method,
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        ...(request.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(request.body ? { body: request.body } : {}),
    });
    jar.store(res);
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location) throw grantError('redirect without location', res);
      const next = new URL(location, url).href;
      if (next.startsWith(redirectUri)) callback = next;
      else {
        url = next;
        request = { method: 'GET' };
      }
      continue;
    }
    const html = await res.text();
    if (res.status !== 200 || !new URL(url).pathname.startsWith('/interaction/')) {
      throw grantError(`authorization step ${step}`, res);
    }
    // devInteractions page: login form has an input named "login", otherwise it is consent.
    request = /name="login"/.test(html)
      ? { method: 'POST', body: new URLSearchParams({ prompt: 'login', login: accountId, password: 'x' }) }
      : { method: 'POST', body: new URLSearchParams({ prompt: 'consent' }) };
  }
  if (!callback) throw grantError('authorization (too many steps)');

  const cb = new URL(callback).searchParams;
  if (cb.get('error')) throw grantError('authorization', undefined, { error: cb.get('error') });
  if (cb.get('state') !== state) throw grantError('authorization (state mismatch)');
  if (cb.has('iss') && cb.get('iss') !== issuer) throw grantError('authorization (iss mismatch)');
  const code = cb.get('code');
  if (!code) throw grantError('authorization (no code)');

  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (tokenAuth === 'client_secret_basic') {
    if (clientSecret === undefined) throw grantError('token request (clientSecret missing)');
    const enc = (/** @type {string} */ s) => encodeURIComponent(s).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
  } else if (tokenAuth === 'client_secret_post') {
    if (clientSecret === undefined) throw grantError('token request (clientSecret missing)');
    body.set('client_id', clientId);
    body.set('client_secret', clientSecret);
  } else if (tokenAuth === 'private_key_jwt') {
    if (!privateJwk) throw grantError('token request (privateJwk missing)');
    const alg = privateJwk.alg ?? 'ES256';
    const key = await importJWK(privateJwk, alg);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg, ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(issuer) // the issuer is accepted (so is the token endpoint URL), see header
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(key);
    body.set('client_id', clientId);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', assertion);
  } else {
    throw grantError('token request (unsupported tokenAuth)');
  }

  const res = await fetch(issuer + ROUTES.token, { method: 'POST', headers, body });
  /** @type {any} */
  let json;
  try {
    json = await res.json();
  } catch {
    throw grantError('token request (non-JSON response)', res);
  }
  if (!res.ok || typeof json?.access_token !== 'string') throw grantError('token request', res, json);
  return /** @type {TokenResponse} */ (json);
}
