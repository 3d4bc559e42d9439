/**
 * Loopback OAuth token-endpoint impostor for fault injection.
 *
 * Serves `POST /token/<mode>` on 127.0.0.1 and misbehaves on demand in ways a
 * real authorization server will not (stalls, resets, truncation, HTML, huge
 * bodies, secret echoing...). Node built-ins only.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type FaultMode =
  | 'ok'                 // 200 JSON {access_token, token_type:'Bearer', expires_in:3600, refresh_token:<new random>, scope}
  | 'no_refresh_token'   // 200 JSON without refresh_token
  | 'expires_in_string'  // 200 JSON with expires_in: "3600"
  | 'expires_in_missing' // 200 JSON without expires_in
  | 'expires_in_garbage' // 200 JSON with expires_in: "soon"
  | 'http_500' | 'http_503' // 5xx with a small JSON (500) or text (503) body
  | 'http_429'           // 429 with Retry-After: 7 and JSON {error:'slow_down'}
  | 'stall'              // read the request, never answer (socket held until close())
  | 'stall_body'         // 200 headers + partial JSON body, then stall
  | 'reset'              // destroy the socket after reading the request
  | 'html'               // 502 text/html error page
  | 'html_200'           // 200 text/html page
  | 'garbage'            // 200 application/json with a non-JSON body
  | 'truncated'          // 200 JSON cut mid-way; content-length larger than sent, then socket end
  | 'huge'               // 200 JSON with a 5 MB padding field
  | 'redirect'           // 302 Location: <url>/elsewhere
  | 'invalid_grant'      // 400 {error:'invalid_grant', error_description}
  | 'invalid_client'     // 401 {error:'invalid_client'} + WWW-Authenticate: Basic
  | 'echo_secret'        // 400 invalid_request whose description echoes refresh_token + Authorization
  | 'echo_encoded'       // 400 invalid_request whose description echoes the secrets in other encodings
  | 'echo_as_code'       // 400 whose `error` code is the refresh token itself (with _ for -)
  | 'scope_echo'         // 200 with a scope holding the client secret form-encoded
  | 'scope_prefix'       // 200 with a scope holding a 19-character prefix of the client secret
  | 'id_token_30k'       // 200 with a 30 KB id_token
  | 'expires_huge'       // 200 with expires_in and refresh_token_expires_in of 1e13
  | 'rt_expires'         // 200 with Intuit's x_refresh_token_expires_in (8726400)
  | 'access_token_huge'; // 200 with a 20 KB access token

export const FAULT_MODES: readonly FaultMode[] = [
  'ok', 'no_refresh_token', 'expires_in_string', 'expires_in_missing', 'expires_in_garbage',
  'http_500', 'http_503', 'http_429', 'stall', 'stall_body', 'reset', 'html', 'html_200',
  'garbage', 'truncated', 'huge', 'redirect', 'invalid_grant', 'invalid_client', 'echo_secret',
  'echo_encoded', 'echo_as_code', 'scope_echo', 'scope_prefix', 'id_token_30k', 'expires_huge', 'rt_expires',
  'access_token_huge',
];

export interface RecordedRequest {
  method: string;
  /** Request target as received (pathname plus any query string). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Parsed body when content-type is application/x-www-form-urlencoded, else {}. */
  form: Record<string, string>;
}

export interface FaultServer {
  url: string;
  tokenUrl(mode: FaultMode): string;
  requests: RecordedRequest[];
  requestsFor(mode: FaultMode): RecordedRequest[];
  /** Delay (ms) before answering token-issuing modes (ok, no_refresh_token, expires_in_*, huge). */
  delayMs: number;
  lastIssued?: { access_token: string; refresh_token?: string };
  /** Discovery documents served at `<url>/iss/<name>/.well-known/openid-configuration` (404 when unset). */
  discovery: Record<string, Record<string, unknown>>;
  close(): Promise<void>;
}

/** Modes that issue a (possibly odd) token and honour delayMs / update lastIssued. */
const ISSUING: ReadonlySet<FaultMode> = new Set<FaultMode>([
  'ok', 'no_refresh_token', 'expires_in_string', 'expires_in_missing', 'expires_in_garbage', 'huge',
  'scope_echo', 'scope_prefix', 'id_token_30k', 'expires_huge', 'rt_expires', 'access_token_huge',
]);

/** The client secret a request carried: form field, or the second half of a Basic header (form-decoded). */
function clientSecretOf(req: IncomingMessage, form: Record<string, string>): string {
  if (form['client_secret']) return form['client_secret'];
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const pair = Buffer.from(basic, 'base64').toString('utf8');
  return decodeURIComponent((pair.split(':')[1] ?? '').replace(/\+/g, ' '));
}
const MODES: ReadonlySet<string> = new Set<string>(FAULT_MODES);
const HUGE_PAD_BYTES = 5 * 1024 * 1024 + 1024;

function pathnameOf(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}

function parseForm(contentType: string | undefined, body: string): Record<string, string> {
  const form: Record<string, string> = {};
  if (!contentType || !/application\/x-www-form-urlencoded/i.test(contentType)) return form;
  for (const [k, v] of new URLSearchParams(body)) form[k] = v;
  return form;
}

function sendJson(res: ServerResponse, status: number, obj: unknown, extra: OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const HTML_PAGE = (title: string): string =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>nginx</p></body></html>`;

export async function startFaultServer(): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let hugePad: string | undefined;

  const server = createServer();

  const fs: FaultServer = {
    url: '',
    tokenUrl: (mode) => `${fs.url}/token/${mode}`,
    requests: [],
    requestsFor: (mode) => fs.requests.filter((r) => pathnameOf(r.path) === `/token/${mode}`),
    delayMs: 0,
    lastIssued: undefined,
    discovery: {},
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function issue(mode: FaultMode, res: ServerResponse, form: Record<string, string>, secret: string): void {
    const access_token = mode === 'access_token_huge' ? `at-${'x'.repeat(20_000)}` : `at-${crypto.randomUUID()}`;
    const refresh_token = `rt-${crypto.randomUUID()}`;
    const body: Record<string, unknown> = {
      access_token,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token,
      scope: form['scope'] ?? 'read write',
    };
    if (mode === 'no_refresh_token') delete body['refresh_token'];
    if (mode === 'expires_in_string') body['expires_in'] = '3600';
    if (mode === 'expires_in_missing') delete body['expires_in'];
    if (mode === 'expires_in_garbage') body['expires_in'] = 'soon';
    if (mode === 'huge') body['padding'] = (hugePad ??= 'x'.repeat(HUGE_PAD_BYTES));
    if (mode === 'scope_echo') body['scope'] = `read ${new URLSearchParams({ s: secret }).toString().slice(2)}`;
    if (mode === 'scope_prefix') body['scope'] = `read ${secret.slice(0, 19)}`;
    if (mode === 'id_token_30k') body['id_token'] = `eyJhbGciOiJSUzI1NiJ9.${'e'.repeat(30_000)}.sig`;
    if (mode === 'expires_huge') Object.assign(body, { expires_in: 1e13, refresh_token_expires_in: 1e13 });
    if (mode === 'rt_expires') body['x_refresh_token_expires_in'] = 8_726_400;
    fs.lastIssued = mode === 'no_refresh_token' ? { access_token } : { access_token, refresh_token };
    sendJson(res, 200, body);
  }

  function answer(mode: FaultMode, req: IncomingMessage, res: ServerResponse, form: Record<string, string>): void {
    const socket = req.socket;
    switch (mode) {
      case 'ok': case 'no_refresh_token': case 'expires_in_string':
      case 'expires_in_missing': case 'expires_in_garbage': case 'huge':
      case 'scope_echo': case 'scope_prefix': case 'id_token_30k': case 'expires_huge': case 'rt_expires':
      case 'access_token_huge':
        return issue(mode, res, form, clientSecretOf(req, form));
      case 'http_500':
        return sendJson(res, 500, { error: 'server_error', error_description: 'internal failure' });
      case 'http_503':
        return sendText(res, 503, 'text/plain; charset=utf-8', 'Service Unavailable');
      case 'http_429':
        return sendJson(res, 429, { error: 'slow_down' }, { 'retry-after': '7' });
      case 'stall':
        return; // hold the socket until close()
      case 'stall_body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"access_token":"at-partial');
        return; // never end
      case 'reset':
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
        return;
      case 'html':
        return sendText(res, 502, 'text/html; charset=utf-8', HTML_PAGE('502 Bad Gateway'));
      case 'html_200':
        return sendText(res, 200, 'text/html; charset=utf-8', HTML_PAGE('Sign in'));
      case 'garbage':
        return sendText(res, 200, 'application/json', 'this is {not json at all');
      case 'truncated': {
        const full = JSON.stringify({ access_token: `at-${crypto.randomUUID()}`, token_type: 'Bearer', expires_in: 3600 });
        const part = full.slice(0, Math.floor(full.length / 2));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(full) });
        res.write(part, () => socket.end());
        return;
      }
      case 'redirect':
        res.writeHead(302, { location: `${fs.url}/elsewhere`, 'content-length': 0 });
        res.end();
        return;
      case 'invalid_grant':
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' });
      case 'invalid_client':
        return sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="fault-server"' });
      case 'echo_secret': {
        const auth = req.headers.authorization ?? '';
        return sendJson(res, 400, {
          error: 'invalid_request',
          error_description: `bad refresh_token=${form['refresh_token'] ?? ''} with Authorization: ${auth}`,
        });
      }
      case 'echo_encoded': {
        const rt = form['refresh_token'] ?? '';
        const secret = clientSecretOf(req, form);
        const zeroWidth = [...secret].join('\u200b');
        return sendJson(res, 400, {
          error: 'invalid_request',
          error_description: [
            `prefix=${secret.slice(0, 19)}`,
            `refresh_token=${encodeURIComponent(rt)}`,
            `spaced=${zeroWidth}`,
            `secret=${new URLSearchParams({ s: secret }).toString().slice(2)}`,
            `auth=${req.headers.authorization ?? ''}`,
            `b64=${Buffer.from(secret).toString('base64url')}`,
            `json=${JSON.stringify(secret)}`,
          ].join(' '),
        });
      }
      case 'echo_as_code':
        return sendJson(res, 400, { error: (form['refresh_token'] ?? '').replace(/-/g, '_') });
    }
  }

  server.on('connection', (socket: Socket) => {
    socket.on('error', () => { /* client aborts are expected */ });
    if (closed) { socket.destroy(); return; }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => {});
    res.on('error', () => {});
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const contentType = req.headers['content-type'];
      const form = parseForm(typeof contentType === 'string' ? contentType : undefined, body);
      fs.requests.push({ method: req.method ?? 'GET', path, headers: { ...req.headers }, body, form });

      const doc = /^\/iss\/([a-z0-9_]+)\/\.well-known\/openid-configuration$/.exec(pathnameOf(path))?.[1];
      if (doc !== undefined) {
        const found = Object.hasOwn(fs.discovery, doc) ? fs.discovery[doc] : undefined;
        sendJson(res, found ? 200 : 404, found ?? { error: 'not_found' });
        return;
      }
      const m = /^\/token\/([a-z0-9_]+)$/.exec(pathnameOf(path));
      const name = m?.[1];
      if (name === undefined || !MODES.has(name)) {
        sendJson(res, 404, { error: 'not_found' });
        return;
      }
      const mode = name as FaultMode;
      if (ISSUING.has(mode) && fs.delayMs > 0) {
        const t = setTimeout(() => { timers.delete(t); if (!closed) answer(mode, req, res, form); }, fs.delayMs);
        timers.add(t);
      } else {
        answer(mode, req, res, form);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('fault-server: unexpected address');
  fs.url = `http://127.0.0.1:${addr.port}`;
  return fs;
}
