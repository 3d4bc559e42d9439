/**
 * A loopback token endpoint for the RFC 7523 §2.1 JWT bearer grant that really verifies what it is sent
 * (jose `jwtVerify` against the public JWKs it trusts): signature, `aud` = its own token URL, `iss`, `exp`,
 * `iat` within `maxTokenAge`, a lifetime of at most `maxTokenAge`, a `jti` that it has not seen before.
 * Any failure → 400 `invalid_grant`; success → 200 `{ access_token, token_type: 'Bearer', expires_in }`.
 * A verifier of the plugin's output, independent of its code (node:http + jose only).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface JwtBearerServerOptions {
  /** public JWKs whose signatures are accepted (matched by `kid`) */
  trustedKeys: JWK[];
  /** the `iss` every assertion must carry (RFC 7523 §3: the client ID, or the service account) */
  issuer: string;
  /** seconds: oldest accepted `iat`, and longest accepted `exp - iat` (default 300) */
  maxTokenAge?: number;
  /** `expires_in` of issued tokens (default 3600) */
  expiresIn?: number;
  /** ms to wait before answering each request (default 0) */
  delayMs?: number;
}

export interface VerifiedAssertion {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
  /** the raw assertion, for replay tests */
  assertion: string;
  /** the access token issued for it */
  accessToken: string;
  /** the form fields of the request other than `assertion` */
  form: Record<string, string>;
}

export interface JwtBearerServer {
  /** the token endpoint URL, `http://127.0.0.1:<port>/token` (also the required audience) */
  tokenUrl: string;
  /** POSTs received at the token URL so far */
  readonly requests: number;
  verified: VerifiedAssertion[];
  /** why each refused request was refused: jose error codes, or our own reason */
  rejected: string[];
  delayMs: number;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

export async function startJwtBearerServer(options: JwtBearerServerOptions): Promise<JwtBearerServer> {
  const maxAge = options.maxTokenAge ?? 300;
  const jwks = createLocalJWKSet({ keys: options.trustedKeys });
  const seenJti = new Set<string>();
  let requests = 0;
  let tokenUrl = '';

  const send = (res: ServerResponse, status: number, body: Record<string, unknown>): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST' || (req.url ?? '').split('?', 1)[0] !== '/token') return send(res, 404, { error: 'not_found' });
    requests++;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) return send(res, 413, { error: 'invalid_request' });
      chunks.push(chunk);
    }
    if (server.delayMs > 0) await new Promise((r) => setTimeout(r, server.delayMs));
    const refuse = (reason: string, error = 'invalid_grant'): void => {
      server.rejected.push(reason);
      send(res, 400, { error, error_description: 'assertion refused' });
    };
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return refuse('content-type', 'invalid_request');
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const { grant_type: grantType, assertion, ...rest } = form;
    if (grantType !== JWT_BEARER_GRANT) return refuse('grant_type', 'unsupported_grant_type');
    if (!assertion) return refuse('no assertion', 'invalid_request');
    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      verified = await jwtVerify(assertion, jwks, {
        audience: tokenUrl,
        issuer: options.issuer,
        maxTokenAge: maxAge,
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
        clockTolerance: 5,
      });
    } catch (e) {
      return refuse((e as { code?: string }).code ?? 'verification failed');
    }
    const { payload } = verified;
    if (typeof payload.jti !== 'string' || payload.jti === '') return refuse('jti');
    if ((payload.exp ?? Infinity) - (payload.iat ?? 0) > maxAge) return refuse('lifetime');
    if (seenJti.has(payload.jti)) return refuse('replayed jti');
    seenJti.add(payload.jti);
    const accessToken = `jb_${randomBytes(24).toString('base64url')}`;
    server.verified.push({ header: verified.protectedHeader, payload, assertion, accessToken, form: rest });
    send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: options.expiresIn ?? 3600 });
  };

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: 'server_error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('jwt-bearer-server: no TCP address');
  tokenUrl = `http://127.0.0.1:${address.port}/token`;

  const server: JwtBearerServer = {
    tokenUrl,
    get requests() {
      return requests;
    },
    verified: [],
    rejected: [],
    delayMs: options.delayMs ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return server;
}
