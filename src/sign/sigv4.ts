import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 (AWS4-HMAC-SHA256), header or presigned-query form. Pure: no I/O, no clock
 * (the caller passes `date`), node:crypto only.
 */
export interface SigV4Request {
  method: string;
  /** Host, path and query as sent. A `URL` already resolves `.`/`..` and percent-encodes spaces and non-ASCII. */
  url: URL;
  headers: Record<string, string>;
  /** The bytes on the wire (a string is UTF-8). */
  body: Uint8Array | string;
  /** The path exactly as written, for paths a `URL` cannot keep (`/a/..` signed unnormalised); default `url.pathname`. */
  path?: string;
}

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Options {
  region: string;
  service: string;
  date: Date;
  /** Presigned URL (X-Amz-* query parameters) instead of an `authorization` header. */
  signQuery?: boolean;
  /** Payload hash `UNSIGNED-PAYLOAD`; default only for S3 presigned URLs (the body is not known when the link is used). */
  unsignedPayload?: boolean;
  /** Send and sign `x-amz-content-sha256` (header form); default for S3 only, which requires it. */
  contentSha256?: boolean;
  /** Presigned URL lifetime in seconds, 1 to 604800 (7 days, AWS's limit); default 3600. */
  expiresIn?: number;
  /** Remove `.`/`..` segments and merge slashes; default: every service but S3, whose keys are literal. */
  normalizePath?: boolean;
  /** Attach the session token after signing (left out of the signature); some services want it so. */
  omitSessionToken?: boolean;
}

export interface SigV4Result {
  /** The URL to send: its query exactly as signed (sorted, RFC 3986-encoded), plus X-Amz-* when presigned. */
  url: URL;
  /** Request headers (names lower-cased) plus the ones SigV4 adds; `host` only if given (fetch sets it from the URL). */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED = 'UNSIGNED-PAYLOAD';
const MAX_EXPIRES = 604_800;
// Hop-by-hop and client-chosen headers that proxies and runtimes may change in flight (as @smithy/signature-v4).
const UNSIGNABLE = /^(authorization|connection|expect|keep-alive|te|trailer|transfer-encoding|upgrade|user-agent|x-amzn-trace-id|proxy-.*|sec-.*)$/;

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Uint8Array | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();
/** AWS's URI-encode: everything but RFC 3986 unreserved characters, as UTF-8 with upper-case hex. */
const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** HTTP's optional whitespace and obs-fold line breaks collapse to one space; the ends are trimmed. */
const trimAll = (v: string): string => v.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a stray `%` is then encoded as `%25`, as the server reads it
  }
}

/**
 * Each segment URI-encoded. Other services encode the path as sent once more ("double encoding");
 * S3 signs its decoded key, encoded once, with `/` kept.
 */
function canonicalUri(path: string, normalize: boolean, s3: boolean): string {
  let segments = (s3 ? decode(path) : path).replace(/^\/?/, '/').split('/');
  if (normalize) {
    const kept: string[] = [];
    for (const s of segments) {
      if (s === '..') kept.pop();
      else if (s && s !== '.') kept.push(s);
    }
    if (!kept.length) return '/';
    segments = ['', ...kept, ...(path.endsWith('/') ? [''] : [])];
  }
  return segments.map(enc).join('/');
}

/** Sorted by encoded name, then value; `\0` sorts below every encoded character, so one sort does both. */
const canonicalQuery = (pairs: [string, string][]): string =>
  pairs.map(([k, v]) => `${enc(k)}\0${enc(v)}`).sort().join('&').replaceAll('\0', '=');

/** Lower-cased names; a name given twice (in any case) keeps both values, comma-joined in order. */
function mergeHeaders(headers: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = Object.create(null); // a `__proto__` header stays a header
  for (const [name, value] of Object.entries(headers)) {
    const n = name.toLowerCase();
    merged[n] = n in merged ? `${merged[n]},${value}` : value;
  }
  return merged;
}

// A warm server signs many requests a day: the four-HMAC key derivation runs once per secret, day, region
// and service. Keyed by an HMAC under the secret, so the map never holds the secret; cleared when full.
const keyCache = new Map<string, Buffer>();
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = hmac(secret, `${date}/${region}/${service}`).toString('base64');
  let key = keyCache.get(id);
  if (!key) {
    if (keyCache.size >= 64) keyCache.clear();
    key = [date, region, service, 'aws4_request'].reduce<Buffer>((k, part) => hmac(k, part), Buffer.from(`AWS4${secret}`));
    keyCache.set(id, key);
  }
  return key;
}

export function signSigV4(req: SigV4Request, creds: SigV4Credentials, opts: SigV4Options): SigV4Result {
  const s3 = /^s3($|-)/.test(opts.service);
  const amzDate = opts.date.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${opts.region}/${opts.service}/aws4_request`;
  const token = creds.sessionToken;
  const signedToken = opts.omitSessionToken ? undefined : token;
  const payload = opts.unsignedPayload ?? (s3 && opts.signQuery) ? UNSIGNED : sha256(req.body);

  const headers = mergeHeaders(req.headers);
  if (!opts.signQuery) {
    headers['x-amz-date'] = amzDate;
    if (opts.contentSha256 ?? s3) headers['x-amz-content-sha256'] = payload;
    if (token) headers['x-amz-security-token'] = token;
  }
  const signing: Record<string, string> = { host: req.url.host, ...headers };
  const names = Object.keys(signing)
    .filter((n) => !UNSIGNABLE.test(n) && (!!signedToken || n !== 'x-amz-security-token'))
    .sort();
  const signedHeaders = names.join(';');

  const pairs = [...req.url.searchParams];
  if (opts.signQuery) {
    const expires = opts.expiresIn ?? 3600;
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES) throw new RangeError(`expiresIn must be whole seconds from 1 to ${MAX_EXPIRES}`);
    pairs.push(['X-Amz-Algorithm', ALGORITHM], ['X-Amz-Credential', `${creds.accessKeyId}/${scope}`], ['X-Amz-Date', amzDate], ['X-Amz-Expires', `${expires}`], ['X-Amz-SignedHeaders', signedHeaders]);
    if (signedToken) pairs.push(['X-Amz-Security-Token', signedToken]);
  }
  const query = canonicalQuery(pairs);

  const canonicalRequest = [
    req.method,
    canonicalUri(req.path ?? req.url.pathname, opts.normalizePath ?? !s3, s3),
    query,
    names.map((n) => `${n}:${trimAll(signing[n] ?? '')}\n`).join(''),
    signedHeaders,
    payload,
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signature = hmac(signingKey(creds.secretAccessKey, day, opts.region, opts.service), stringToSign).toString('hex');

  const url = new URL(req.url);
  let search = query;
  if (opts.signQuery) search += `&X-Amz-Signature=${signature}${token && !signedToken ? `&X-Amz-Security-Token=${enc(token)}` : ''}`;
  else headers.authorization = `${ALGORITHM} Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  url.search = search.replace(/=(?=&|$)/g, ''); // `?acl`, not `?acl=`: servers read both the same, some APIs only the first
  return { url, headers, canonicalRequest, stringToSign, signature };
}
