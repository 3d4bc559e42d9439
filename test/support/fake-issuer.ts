/**
 * Loopback fake OpenID provider for FAULT INJECTION ONLY: it issues whatever ID token the test crafts
 * (any claims, key or alg), so the plugin's ID-token checks can be driven one by one. Not a conforming
 * provider: no authorization endpoint, no code checks (any code is exchanged), no discovery unless a test
 * sets a document. Serves on 127.0.0.1:
 *   GET  /jwks[/<anything>]                        the public keys in `jwks` (rotate on demand)
 *   POST /token                                    { access_token, token_type, expires_in, refresh_token, id_token }
 *   GET  <path>/.well-known/openid-configuration   `discovery[<path>]` (404 when unset)
 * and records every request.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  /** a Uint8Array for a test-made symmetric (HS*) key */
  privateKey: CryptoKey | Uint8Array;
  /** public JWK with kid, alg and use */
  publicJwk: JWK;
}

export interface RecordedRequest {
  method: string;
  path: string;
  form: Record<string, string>;
}

export interface IssueContext {
  /** the token request's form (code, redirect_uri, code_verifier…) */
  form: Record<string, string>;
  /** seconds now, as the fake sees it */
  now: number;
}

export interface FakeIssuer {
  url: string;
  /** the keys GET /jwks serves; tests replace or extend it */
  jwks: JWK[];
  /** the key `sign` uses unless told otherwise */
  current: SigningKey;
  /** crafts the next id_token (undefined: the response carries none); set by the test */
  idToken: (ctx: IssueContext) => Promise<string | undefined> | string | undefined;
  /** discovery documents by issuer path ('/tenant/v2.0' → served at '/tenant/v2.0/.well-known/openid-configuration') */
  discovery: Record<string, Record<string, unknown>>;
  requests: RecordedRequest[];
  /** requests whose path (without query) equals `path` */
  count(path: string): number;
  /** a new key pair (ES256 unless told); not published in `jwks` */
  newKey(alg?: string): Promise<SigningKey>;
  /** a new current key, published in `jwks` (alone when `retire`, else beside the older ones) */
  rotate(retire?: boolean): Promise<SigningKey>;
  /** signs `claims` with `key` (default `current`); `header` adds to / overrides { alg, kid } */
  sign(claims: JWTPayload, key?: SigningKey, header?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export interface FakeIssuerOptions {
  /** called with every token the fake issues (access, refresh and id tokens), e.g. to track it for leak checks */
  onIssue?: (token: string) => void;
  /** text put into every issued access and refresh token (a canary) */
  marker?: string;
}

const random = (n = 12): string => randomBytes(n).toString('base64url');

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export async function startFakeIssuer(options: FakeIssuerOptions = {}): Promise<FakeIssuer> {
  const sockets = new Set<Socket>();
  const server = createServer();
  const newKey = async (alg = 'ES256'): Promise<SigningKey> => {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    const kid = random(8);
    return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  };
  const first = await newKey();
  const fake: FakeIssuer = {
    url: '',
    jwks: [first.publicJwk],
    current: first,
    idToken: () => undefined,
    discovery: {},
    requests: [],
    count: (path) => fake.requests.filter((r) => r.path.split('?')[0] === path).length,
    newKey,
    async rotate(retire = false) {
      fake.current = await newKey();
      fake.jwks = retire ? [fake.current.publicJwk] : [...fake.jwks, fake.current.publicJwk];
      return fake.current;
    },
    sign: (claims, key = fake.current, header = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const issued = (token: string): string => {
    options.onIssue?.(token);
    return token;
  };

  async function token(form: Record<string, string>, res: ServerResponse): Promise<void> {
    const idToken = await fake.idToken({ form, now: Math.floor(Date.now() / 1000) });
    const marker = options.marker ?? '';
    sendJson(res, 200, {
      access_token: issued(`at-${marker}-${random()}`),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: issued(`rt-${marker}-${random()}`),
      ...(idToken === undefined ? {} : { id_token: issued(idToken) }),
    });
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const pathname = path.split('?')[0] ?? '/';
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      fake.requests.push({ method: req.method ?? 'GET', path, form });
      const well = '/.well-known/openid-configuration';
      if (req.method === 'GET' && (pathname === '/jwks' || pathname.startsWith('/jwks/'))) return sendJson(res, 200, { keys: fake.jwks });
      if (req.method === 'POST' && pathname === '/token') {
        token(form, res).catch(() => sendJson(res, 500, { error: 'server_error' }));
        return;
      }
      if (req.method === 'GET' && pathname.endsWith(well)) {
        const doc = fake.discovery[pathname.slice(0, -well.length)];
        return sendJson(res, doc ? 200 : 404, doc ?? { error: 'not_found' });
      }
      sendJson(res, 404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('fake-issuer: unexpected address');
  fake.url = `http://127.0.0.1:${addr.port}`;
  return fake;
}
