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
 *
 * Features and their facts (oidc-provider 9.13.3, checked in its lib/ and by test/oidc-server.test.ts):
 * - PAR (RFC 9126) and DPoP (RFC 9449) are ENABLED BY DEFAULT in oidc-provider 9: discovery always
 *   advertised `pushed_authorization_request_endpoint` (`<issuer>/request`) and
 *   `dpop_signing_alg_values_supported` (ES256, Ed25519, EdDSA), and any client could use either
 *   voluntarily. So option `par` unset behaves as 'enabled' and `dpop` unset accepts DPoP proofs without
 *   requiring them from any default client; `par: false` / `dpop: false` turn the features off.
 * - `iss` (RFC 9207) is added to every authorization response by default (code and error responses
 *   alike; only omitted when the response carries an id_token or uses a JWT response mode), and
 *   discovery says `authorization_response_iss_parameter_supported: true`. Nothing to configure.
 * - `offline_access` is silently dropped from the authorization request unless `prompt` includes
 *   `consent` (and the client has the refresh_token grant): no prompt=consent, no refresh token.
 * - Client credentials needs only `features.clientCredentials` and the grant type on the client: any
 *   scope from `scopes` is granted (even openid/offline_access) unless the client has `scope` metadata,
 *   which then restricts it (also in the code flow). No resource indicator needed: without `resource` the
 *   token is opaque, `{ access_token, expires_in, scope, token_type: 'Bearer' }`, no refresh token.
 *   The provider lets a PUBLIC client (auth `none`) run client credentials too if its grant_types
 *   include it, i.e. mint tokens with a bare client_id; so public clients here default to
 *   authorization_code + refresh_token only (client credentials then → 400 `invalid_request`, "requested
 *   grant type is not allowed for this client"; not `unauthorized_client`).
 * - Revocation (RFC 7009) of ANY token of a code-flow grant, access or refresh, revokes all of that
 *   grant's access and refresh tokens (lib/helpers/revoke.js); introspection then says
 *   `{ active: false }` for each. The allowedPolicy hooks here let any authenticated client revoke or
 *   introspect any client's token.
 * - Public clients (`token_endpoint_auth_method: 'none'`): PKCE is mandatory for them anyway; the code
 *   exchange and refresh send only `client_id`. Refresh tokens are issued with our issueRefreshToken
 *   policy (offline_access + refresh_token grant) and rotate on every use (`rotateRefreshToken: true`;
 *   the provider's default function would NOT rotate a public client's sender-constrained (DPoP) refresh
 *   token and rotates confidential ones only after 70% of the lifetime).
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
 * @property {TokenAuthMethod} token_endpoint_auth_method `none` makes a public client (PKCE + client_id only)
 * @property {{ keys: import('jose').JWK[] }} [jwks] public keys; for private_key_jwt a fresh ES256 pair is made when omitted
 * @property {string[]} [redirect_uris] default: the server's `redirectUris` option
 * @property {string[]} [grant_types] default: authorization_code, refresh_token, client_credentials;
 *   for a public client (`none`) authorization_code, refresh_token
 * @property {string[]} [response_types] default: ['code']
 * @property {boolean} [dpop_bound_access_tokens] RFC 9449 client metadata: every token request must carry
 *   a DPoP proof (see StartOidcServerOptions.dpop). DPoP must not be turned off (`dpop: false`).
 * @property {string} [scope] client `scope` metadata: when set, the only scopes this client may request
 *   (code flow and client credentials); default unset = every scope the server knows
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
 * @property {boolean} [dpop_bound_access_tokens] true when the client must use DPoP
 * @property {string} [scope] client `scope` metadata when set
 */

/**
 * @typedef {object} StartOidcServerOptions
 * @property {OidcClientOption[]} [clients] replaces the three default clients
 * @property {Record<string, string>} [clientSecrets] secrets for the default clients, keyed by client_id
 * @property {string[]} [redirectUris] redirect URIs of the default clients (default ['http://127.0.0.1/callback'])
 * @property {number} [accessTokenTtl] seconds, default 60 (also used for client_credentials tokens)
 * @property {number} [refreshTokenTtl] seconds, default 86400 (also Session and Grant lifetime)
 * @property {false | 'enabled' | 'required'} [par] Pushed Authorization Requests (RFC 9126),
 *   `features.pushedAuthorizationRequests`. Unset = the provider's default, which is 'enabled' (as before
 *   this option existed). 'enabled': `<issuer>/request` accepts pushes (client authentication as at the
 *   token endpoint; public clients send client_id), answers 201 `{ request_uri, expires_in: 60 }`, and the
 *   authorization endpoint takes `client_id` + `request_uri` (single use). 'required':
 *   `requirePushedAuthorizationRequests: true`, which sets `require_pushed_authorization_requests` on
 *   every client and in discovery; a plain authorization request is then refused by a redirect to its
 *   redirect_uri with `error=invalid_request` ("Pushed Authorization Request must be used", plus state and
 *   iss), or by a 400 error page when the redirect_uri itself is not acceptable. A pushed request_uri is
 *   single use (`invalid_request_uri` the second time). false: no endpoint (404), nothing advertised,
 *   `parEndpoint` undefined.
 * @property {boolean} [dpop] DPoP (RFC 9449), `features.dPoP`. Unset = the provider's default: enabled,
 *   proofs are accepted from any client that sends one, required from none. true: the same feature plus
 *   two extra clients with `dpop_bound_access_tokens: true`, appended to the default or given `clients`
 *   (unless a client with that id is already there): 'dpop-client' (client_secret_basic, secret from
 *   `clientSecrets` or random) and 'dpop-public-client' (public, `none`). false: DPoP off (no
 *   `dpop_signing_alg_values_supported` in discovery; DPoP headers are ignored).
 *   What oidc-provider 9.13.3 then enforces (lib/helpers/validate_dpop.js, sender_constraints.js,
 *   set_rt_bindings.js, actions/grants/*.js):
 *   - a `dpop_bound_access_tokens` client must send a `DPoP` header on EVERY token request: code
 *     exchange, refresh and client credentials; without it → 400 `invalid_grant` ("DPoP proof JWT not
 *     provided"). Other clients may send one voluntarily and then get a DPoP-bound token too.
 *   - a proof is a JWS with header `typ: 'dpop+jwt'`, alg ES256/Ed25519/EdDSA and the public `jwk`;
 *     claims `htm` (= POST), `htu` (= the endpoint URL; query and fragment ignored), `iat` (within ±300 s),
 *     `jti` (unique per client: a reused one → `invalid_grant`), `nonce` when demanded; `ath` only at
 *     resource endpoints. A bad proof → 400 `invalid_dpop_proof`.
 *   - the access token comes back with `token_type: 'DPoP'` and is bound to the key's thumbprint
 *     (introspection shows `cnf.jkt`).
 *   - refresh tokens are bound to the key ONLY for public clients (auth `none`): a refresh with another
 *     key, or without a proof, → 400 `invalid_grant` ("failed jkt verification"; for a bound client
 *     without proof "DPoP proof JWT not provided"). A CONFIDENTIAL client's refresh token is not bound:
 *     its refresh is refused without a proof only when the client is dpop-bound, and a proof with ANY key
 *     is accepted (the new access token is bound to that new key).
 * @property {boolean} [dpopNonce] demand a server nonce in every DPoP proof (`features.dPoP.nonceSecret`
 *   = random 32 bytes, `requireNonce: () => true`). A request whose proof has no or a stale nonce → 400
 *   `use_dpop_nonce` with a `DPoP-Nonce` response header; the authorization code is not consumed by such
 *   a refusal, so the client retries with `nonce`. Nonces change every 60 s, ±2 steps are accepted; a
 *   success may carry a newer `DPoP-Nonce`. Requests without a DPoP header are unaffected. Needs DPoP on.
 */

/**
 * @typedef {object} IntrospectOptions
 * @property {string} [clientId] the authenticating client (default: the first client with a secret or a
 *   generated private key). Any authenticated client may introspect any token here (allowedPolicy).
 * @property {'access_token' | 'refresh_token'} [tokenTypeHint]
 */

/**
 * @typedef {object} OidcServer
 * @property {string} issuer
 * @property {number} port
 * @property {number} tokenRequests token-endpoint POSTs received so far (a getter)
 * @property {number} parRequests pushed-authorization-request POSTs received so far (a getter)
 * @property {string} tokenEndpoint
 * @property {string} revocationEndpoint
 * @property {string} introspectionEndpoint
 * @property {string} authorizationEndpoint
 * @property {string | undefined} parEndpoint undefined when `par: false`
 * @property {OidcClientInfo[]} clients
 * @property {() => Promise<Record<string, any>>} discoveryDocument GET /.well-known/openid-configuration
 * @property {(token: string, options?: IntrospectOptions) => Promise<Record<string, any>>} introspect
 *   RFC 7662 response (`{ active: false }` for a revoked, expired or unknown token)
 * @property {() => Promise<void>} close
 */

/**
 * @typedef {object} TokenResponse
 * @property {string} access_token
 * @property {string} [refresh_token]
 * @property {number} expires_in
 * @property {string} [id_token]
 * @property {string} [scope]
 * @property {string} token_type 'Bearer', or 'DPoP' for a DPoP-bound token
 */

/**
 * @typedef {object} AuthorizeHeadlessOptions
 * @property {string} [redirectUri] where the flow ends; default: the URL's `redirect_uri`, or (a PAR URL
 *   carrying only client_id + request_uri) the first redirect that leaves the provider's /auth and
 *   /interaction/ pages
 * @property {string} [accountId] who logs in, default 'alice'
 * @property {boolean} [deny] abort the interaction instead of logging in: the provider then redirects
 *   with `error=access_denied` (plus `error_description`, `state`, `iss`)
 */

export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';
const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'];
const ROUTES = {
  authorization: '/auth',
  token: '/token',
  revocation: '/token/revocation',
  introspection: '/token/introspection',
  pushed_authorization_request: '/request',
};
const DISCOVERY = '/.well-known/openid-configuration';

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
  const parEnabled = options.par !== false;
  const dpopEnabled = options.dpop !== false;
  if (options.dpopNonce && !dpopEnabled) throw new Error('oidc-server: dpopNonce needs DPoP (dpop: false given)');

  /** @type {OidcClientOption[]} */
  const requested = [
    ...(options.clients ?? [
      { client_id: 'basic-client', token_endpoint_auth_method: 'client_secret_basic' },
      { client_id: 'post-client', token_endpoint_auth_method: 'client_secret_post' },
      { client_id: 'jwt-client', token_endpoint_auth_method: 'private_key_jwt' },
    ]),
  ];
  if (options.dpop === true) {
    /** @type {OidcClientOption[]} */
    const extra = [
      { client_id: 'dpop-client', token_endpoint_auth_method: 'client_secret_basic', dpop_bound_access_tokens: true },
      { client_id: 'dpop-public-client', token_endpoint_auth_method: 'none', dpop_bound_access_tokens: true },
    ];
    for (const c of extra) if (!requested.some((r) => r.client_id === c.client_id)) requested.push(c);
  }

  /** @type {OidcClientInfo[]} */
  const clients = [];
  for (const c of requested) {
    const method = c.token_endpoint_auth_method;
    /** @type {OidcClientInfo} */
    const info = {
      client_id: c.client_id,
      token_endpoint_auth_method: method,
      redirect_uris: c.redirect_uris ?? redirectUris,
      grant_types:
        c.grant_types ??
        (method === 'none'
          ? ['authorization_code', 'refresh_token']
          : ['authorization_code', 'refresh_token', 'client_credentials']),
    };
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
    if (c.dpop_bound_access_tokens) {
      if (!dpopEnabled) throw new Error(`oidc-server: client ${c.client_id} is DPoP-bound but dpop: false`);
      info.dpop_bound_access_tokens = true;
    }
    if (c.scope !== undefined) info.scope = c.scope;
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
      ...(c.dpop_bound_access_tokens ? { dpop_bound_access_tokens: true } : {}),
      ...(c.scope !== undefined ? { scope: c.scope } : {}),
    })),
    routes: ROUTES,
    scopes: SCOPES,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: [] },
    // Scope-requested claims (email) go into the ID token too, not only to userinfo.
    conformIdTokenClaims: false,
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
      pushedAuthorizationRequests: {
        enabled: parEnabled,
        requirePushedAuthorizationRequests: options.par === 'required',
      },
      dPoP: {
        enabled: dpopEnabled,
        ...(options.dpopNonce ? { nonceSecret: randomBytes(32), requireNonce: () => true } : {}),
      },
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
      // email_verified is false only for the account named "unverified" (the plugin then outputs no email)
      claims: async () => ({ sub: id, email: `${id}@example.test`, email_verified: id !== 'unverified' }),
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
  const counts = { token: 0, par: 0 };
  // Counted before the provider sees the request: tests prove "no request" and "one request" with it.
  server.on('request', (req, res) => {
    if (req.method === 'POST') {
      const path = (req.url ?? '').split('?', 1)[0];
      if (path === ROUTES.token) counts.token++;
      else if (path === ROUTES.pushed_authorization_request) counts.par++;
    }
    handle(req, res);
  });

  const introspectionEndpoint = issuer + ROUTES.introspection;

  /** @type {OidcServer['introspect']} */
  const introspect = async (token, { clientId, tokenTypeHint } = {}) => {
    const c = clientId
      ? clients.find((x) => x.client_id === clientId)
      : clients.find((x) => x.client_secret !== undefined || x.privateJwk !== undefined);
    if (!c) throw new Error('oidc-server introspect: no client with credentials');
    const body = new URLSearchParams({ token, ...(tokenTypeHint ? { token_type_hint: tokenTypeHint } : {}) });
    /** @type {Record<string, string>} */
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    await addClientAuth(body, headers, {
      clientId: c.client_id,
      clientSecret: c.client_secret,
      privateJwk: c.privateJwk,
      tokenAuth: c.token_endpoint_auth_method,
      audience: issuer,
    }, (m) => new Error(`oidc-server introspect: ${m}`));
    const res = await fetch(introspectionEndpoint, { method: 'POST', headers, body });
    const json = await res.json().catch(() => undefined);
    if (!res.ok || !json || typeof json.active !== 'boolean') {
      throw new Error(`oidc-server introspect: HTTP ${res.status}${oauthErrorSuffix(json)}`);
    }
    return json;
  };

  return {
    issuer,
    /** token-endpoint POSTs received so far */
    get tokenRequests() {
      return counts.token;
    },
    /** pushed-authorization-request POSTs received so far */
    get parRequests() {
      return counts.par;
    },
    port,
    tokenEndpoint: issuer + ROUTES.token,
    revocationEndpoint: issuer + ROUTES.revocation,
    introspectionEndpoint,
    authorizationEndpoint: issuer + ROUTES.authorization,
    parEndpoint: parEnabled ? issuer + ROUTES.pushed_authorization_request : undefined,
    clients,
    discoveryDocument: async () => {
      const res = await fetch(issuer + DISCOVERY, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`oidc-server discoveryDocument: HTTP ${res.status}`);
      return /** @type {Record<string, any>} */ (await res.json());
    },
    introspect,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * `, error=<code>` when `body` is an OAuth error object; only the code (an error_description could
 * echo request data).
 * @param {any} body
 */
function oauthErrorSuffix(body) {
  return body && typeof body === 'object' && typeof body.error === 'string'
    ? `, error=${body.error.replace(/[^a-z_]/gi, '')}`
    : '';
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
  return new Error(parts.join(', ') + oauthErrorSuffix(body));
}

/**
 * Add client authentication to a token/PAR/introspection request.
 * @param {URLSearchParams} body
 * @param {Record<string, string>} headers
 * @param {{ clientId: string, clientSecret?: string | undefined, privateJwk?: import('jose').JWK | undefined,
 *   tokenAuth: TokenAuthMethod, audience: string }} auth
 * @param {(message: string) => Error} fail
 */
async function addClientAuth(body, headers, { clientId, clientSecret, privateJwk, tokenAuth, audience }, fail) {
  if (tokenAuth === 'client_secret_basic') {
    if (clientSecret === undefined) throw fail('clientSecret missing');
    const enc = (/** @type {string} */ s) => encodeURIComponent(s).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
  } else if (tokenAuth === 'client_secret_post') {
    if (clientSecret === undefined) throw fail('clientSecret missing');
    body.set('client_id', clientId);
    body.set('client_secret', clientSecret);
  } else if (tokenAuth === 'private_key_jwt') {
    if (!privateJwk) throw fail('privateJwk missing');
    const alg = privateJwk.alg ?? 'ES256';
    const key = await importJWK(privateJwk, alg);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg, ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience) // the issuer is accepted (so is the endpoint URL), see header
      .setJti(randomUUID()) // fresh per request: a jti is accepted once
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(key);
    body.set('client_id', clientId);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', assertion);
  } else if (tokenAuth === 'none') {
    body.set('client_id', clientId);
  } else {
    throw fail('unsupported tokenAuth');
  }
}

/**
 * A DPoP proof JWT (RFC 9449) for one request: header `typ: 'dpop+jwt'`, `alg`, public `jwk`; claims
 * `htm`, `htu`, `iat`, random `jti`, plus `nonce` and `ath` (SHA-256 of the access token) when given.
 * @param {CryptoKeyPair} keyPair ES256 by default (see `alg`)
 * @param {{ htm: string, htu: string, nonce?: string | undefined, accessToken?: string | undefined,
 *   alg?: string }} claims
 * @returns {Promise<string>}
 */
export async function createDpopProof(keyPair, { htm, htu, nonce, accessToken, alg = 'ES256' }) {
  const { kty, crv, x, y, n, e } = await exportJWK(keyPair.publicKey);
  /** @type {Record<string, string>} */
  const jwk = {};
  for (const [k, v] of Object.entries({ kty, crv, x, y, n, e })) if (typeof v === 'string') jwk[k] = v;
  return new SignJWT({
    htm,
    htu,
    ...(nonce !== undefined ? { nonce } : {}),
    ...(accessToken !== undefined ? { ath: createHash('sha256').update(accessToken).digest('base64url') } : {}),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg, jwk })
    .setIssuedAt()
    .setJti(randomUUID())
    .sign(keyPair.privateKey);
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

/** @param {string} u URL without query and fragment */
const bare = (u) => {
  const url = new URL(u);
  url.search = '';
  url.hash = '';
  return url.href;
};

/**
 * Drive an authorization request built by someone else (e.g. the plugin's Start authorization action;
 * a plain one or a PAR one with only client_id + request_uri) through devInteractions headlessly, with
 * a fresh cookie jar: login as `accountId` with any password, then consent — or, with `deny`, abort the
 * interaction. Returns the callback URL the provider redirected to, unmodified
 * (`redirect_uri?code=…&state=…&iss=…`, or `?error=…&error_description=…&state=…&iss=…`).
 * Throws (message without parameter values) when the provider answers with an error page instead of a
 * redirect, e.g. a refused request whose redirect_uri could not be trusted; the message then carries the
 * provider's error code (`error=invalid_request`).
 * @param {string} authorizationUrl
 * @param {AuthorizeHeadlessOptions} [options]
 * @returns {Promise<string>}
 */
export async function authorizeHeadless(authorizationUrl, { redirectUri, accountId = 'alice', deny = false } = {}) {
  const start = new URL(authorizationUrl);
  const target = redirectUri ?? start.searchParams.get('redirect_uri') ?? undefined;
  /** @param {string} next */
  const isCallback = (next) => {
    if (target !== undefined) return bare(next) === bare(target);
    const u = new URL(next);
    const own =
      u.origin === start.origin && (u.pathname.startsWith(start.pathname) || u.pathname.startsWith('/interaction/'));
    return !own;
  };
  /** @param {string} step @param {Response} [res] @param {string} [code] */
  const fail = (step, res, code) =>
    new Error(
      `authorizeHeadless: ${step} failed` +
        (res ? `, HTTP ${res.status}` : '') +
        (code ? `, error=${code.replace(/[^a-z_]/gi, '')}` : ''),
    );

  const jar = new CookieJar();
  /** @type {string} */
  let url = start.href;
  /** @type {{ method: string, body?: URLSearchParams }} */
  let request = { method: 'GET' };
  for (let step = 0; step < 12; step++) {
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
      if (!location) throw fail('redirect without location', res);
      const next = new URL(location, url).href;
      if (isCallback(next)) return next;
      url = next;
      request = { method: 'GET' };
      continue;
    }
    const text = await res.text();
    const path = new URL(url).pathname;
    if (res.status !== 200 || !path.startsWith('/interaction/')) {
      throw fail(`authorization step ${step}`, res, /^error: ([a-z_]+)/.exec(text)?.[1]);
    }
    if (deny) {
      // devInteractions' abort link: GET /interaction/<uid>/abort → access_denied at the callback.
      url = new URL(`${path.replace(/\/$/, '')}/abort`, url).href;
      request = { method: 'GET' };
      continue;
    }
    // devInteractions page: login form has an input named "login", otherwise it is consent.
    request = /name="login"/.test(text)
      ? { method: 'POST', body: new URLSearchParams({ prompt: 'login', login: accountId, password: 'x' }) }
      : { method: 'POST', body: new URLSearchParams({ prompt: 'consent' }) };
  }
  throw fail('authorization (too many steps)');
}

/**
 * Run the authorization code + PKCE (S256) flow headlessly through devInteractions (`authorizeHeadless`)
 * and exchange the code at the token endpoint. Asks `openid offline_access <scope>` with `prompt=consent`.
 * @param {object} args
 * @param {string} args.issuer
 * @param {string} args.clientId
 * @param {string} [args.clientSecret] for client_secret_basic / client_secret_post
 * @param {import('jose').JWK} [args.privateJwk] for private_key_jwt (ES256/RS256 JWK with alg or ES256 assumed)
 * @param {TokenAuthMethod} args.tokenAuth `none` for a public client (client_id only)
 * @param {string} [args.redirectUri] default DEFAULT_REDIRECT_URI
 * @param {string} [args.scope] extra scopes, space separated
 * @param {string} [args.accountId] default 'alice'
 * @param {boolean} [args.par] push the request to `<issuer>/request` first (same client authentication)
 *   and authorize with client_id + request_uri; needed when the server runs with `par: 'required'`
 * @param {CryptoKeyPair} [args.dpop] ES256 key pair: send a DPoP proof on the code exchange (retried once
 *   with the server's nonce on `use_dpop_nonce`); needed for DPoP-bound clients
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
  par = false,
  dpop,
}) {
  const verifier = randomString();
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomString(16);
  const auth = { clientId, clientSecret, privateJwk, tokenAuth, audience: issuer };

  const params = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: ['openid', 'offline_access', ...scope.split(' ')].filter(Boolean).join(' '),
    state,
    nonce: randomString(16),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'consent',
  });
  const authUrl = new URL(issuer + ROUTES.authorization);
  if (par) {
    /** @type {Record<string, string>} */
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    await addClientAuth(params, headers, auth, (m) => grantError(`pushed authorization request (${m})`));
    const res = await fetch(issuer + ROUTES.pushed_authorization_request, { method: 'POST', headers, body: params });
    const json = await res.json().catch(() => undefined);
    if (res.status !== 201 || typeof json?.request_uri !== 'string') {
      throw grantError('pushed authorization request', res, json);
    }
    authUrl.search = new URLSearchParams({ client_id: clientId, request_uri: json.request_uri }).toString();
  } else {
    authUrl.search = params.toString();
  }

  const callback = await authorizeHeadless(authUrl.href, { redirectUri, accountId });

  const cb = new URL(callback).searchParams;
  if (cb.get('error')) throw grantError('authorization', undefined, { error: cb.get('error') });
  if (cb.get('state') !== state) throw grantError('authorization (state mismatch)');
  if (cb.has('iss') && cb.get('iss') !== issuer) throw grantError('authorization (iss mismatch)');
  const code = cb.get('code');
  if (!code) throw grantError('authorization (no code)');

  const tokenEndpoint = issuer + ROUTES.token;
  /** @param {string | undefined} nonce */
  const exchange = async (nonce) => {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    /** @type {Record<string, string>} */
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    await addClientAuth(body, headers, auth, (m) => grantError(`token request (${m})`));
    if (dpop) headers.dpop = await createDpopProof(dpop, { htm: 'POST', htu: tokenEndpoint, nonce });
    const res = await fetch(tokenEndpoint, { method: 'POST', headers, body });
    /** @type {any} */
    let json;
    try {
      json = await res.json();
    } catch {
      throw grantError('token request (non-JSON response)', res);
    }
    return { res, json };
  };
  let { res, json } = await exchange(undefined);
  const serverNonce = res.headers.get('dpop-nonce');
  if (dpop && res.status === 400 && json?.error === 'use_dpop_nonce' && serverNonce) {
    ({ res, json } = await exchange(serverNonce));
  }
  if (!res.ok || typeof json?.access_token !== 'string') throw grantError('token request', res, json);
  return /** @type {TokenResponse} */ (json);
}
