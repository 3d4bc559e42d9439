/**
 * RFC 9421 HTTP Message Signatures for outgoing requests: a pure function (no I/O, no clock) that returns the
 * `Signature-Input` and `Signature` fields to add, plus `Content-Digest` (RFC 9530) when it is covered and a body is
 * given. node:crypto does the math.
 */
import { createHash, createHmac, createPrivateKey, constants, sign, type JsonWebKey, type KeyObject } from 'node:crypto';

/** RFC 9421 §3.3 algorithms we sign with; nothing SHA-1, no RSA below 2048 bits. */
export type SigAlg = 'hmac-sha256' | 'ed25519' | 'ecdsa-p256-sha256' | 'rsa-pss-sha512';
export interface SignableRequest { method: string; url: URL; headers: Record<string, string>; body?: Uint8Array | string }
export interface HttpSignatureOptions {
  alg: SigAlg;
  keyId: string;
  /** hmac-sha256: the shared secret as base64 or base64url text; the others: a private JWK (object or JSON text) or PEM. */
  key: string | Record<string, unknown>;
  /** `@method`, `content-type`, `@query-param;name="Pet"`, …; the serialized form (`"@authority"`) is accepted too. */
  components: string[];
  created: number;
  expires?: number;
  nonce?: string;
  tag?: string;
  /** the signature's key in both fields; default `sig1` */
  label?: string;
  includeAlg?: boolean;
}
/** The `@signature-params` parameters; `alg` is any registered name, so the RFC's rsa-v1_5 base can be rebuilt too. */
export interface SignatureParams { created: number; keyid: string; alg?: string; expires?: number; nonce?: string; tag?: string }

export class HttpSignatureError extends Error {
  override readonly name = 'HttpSignatureError';
}

/** The hash each algorithm signs with (RFC 9421 §3.3); Ed25519 hashes internally. */
const HASH: Record<SigAlg, string | null> = { 'hmac-sha256': 'sha256', ed25519: null, 'ecdsa-p256-sha256': 'sha256', 'rsa-pss-sha512': 'sha512' };
const PARAMS_ID = '"@signature-params": ';
const fail = (message: string): never => {
  throw new HttpSignatureError(message);
};
/** RFC 9421 §2.2.8 re-encodes query names and values with the form-urlencoded set (spaces as %20). */
const formEncode = (s: string): string => encodeURIComponent(s).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The RFC 9421 §2.5 signature base: one `"<component>": <value>` line per covered component, then the
 * `@signature-params` line; joined by LF, no trailing LF.
 */
export function signatureBase(req: SignableRequest, components: string[], params: SignatureParams): string {
  const ids: string[] = [];
  const lines = components.map((spec) => {
    const { name, param } = parseComponent(spec);
    const id = `"${name}"${param === undefined ? '' : `;name="${param}"`}`;
    if (ids.includes(id)) fail(`${id} is covered twice`);
    ids.push(id);
    const value = (name.startsWith('@') ? derivedValue(req, name, param) : fieldValue(req.headers, name)) ?? fail(`the covered component ${id} is absent from the request`);
    // a line break would let a value forge further base lines
    if (/[\r\n]/.test(value)) fail(`${id} contains a line break`);
    return `${id}: ${value}`;
  });
  return [...lines, PARAMS_ID + paramsValue(ids, params)].join('\n');
}

/** Signs the request; the returned headers replace any of the same name (case-insensitively) on the request. */
export function signHttpMessage(req: SignableRequest, opts: HttpSignatureOptions): Record<string, string> {
  const label = opts.label ?? 'sig1';
  if (!/^[a-z*][a-z0-9_.*-]*$/.test(label)) fail('the label must be a lower-case structured-field key');
  const added: Record<string, string> = {};
  if (req.body !== undefined && opts.components.some((c) => parseComponent(c).name === 'content-digest')) {
    added['content-digest'] = `sha-256=:${createHash('sha256').update(req.body).digest('base64')}:`;
    const others = Object.entries(req.headers).filter(([k]) => k.toLowerCase() !== 'content-digest');
    req = { ...req, headers: { ...Object.fromEntries(others), ...added } };
  }
  const { created, keyId: keyid, expires, nonce, tag } = opts;
  const base = signatureBase(req, opts.components, { created, keyid, alg: opts.includeAlg ? opts.alg : undefined, expires, nonce, tag });
  // the last base line is `"@signature-params": <value>`, and that value is exactly the Signature-Input member
  added['signature-input'] = `${label}=${base.slice(base.lastIndexOf('\n') + 1 + PARAMS_ID.length)}`;
  added.signature = `${label}=:${signBytes(opts.alg, opts.key, Buffer.from(base)).toString('base64')}:`;
  return added;
}

/** `name` or `name;name="…"` (quotes around the name optional); only `@query-param` takes, and needs, `name`. */
function parseComponent(spec: string): { name: string; param?: string } {
  const m = /^("?)(@?[a-z0-9!#$%&'*+.^_`|~-]+)\1(?:;name="([\x20\x21\x23-\x5b\x5d-\x7e]*)")?$/i.exec(spec.trim());
  const name = m?.[2]?.toLowerCase() ?? '';
  if (!m || (name === '@query-param') !== (m[3] !== undefined)) fail(`the component "${spec}" is not supported`);
  return m?.[3] === undefined ? { name } : { name, param: m[3] };
}

/**
 * RFC 9421 §2.2 derived components of a request, from the URL as fetch sends it: no fragment, default port dropped
 * (fetch refuses a URL with credentials, so none reach @target-uri).
 */
function derivedValue(req: SignableRequest, name: string, param?: string): string | undefined {
  const { url } = req;
  const target = url.href.split('#')[0] ?? '';
  const requestTarget = target.slice(url.origin.length);
  if (name === '@query-param') {
    const values = [...url.searchParams].filter(([k]) => formEncode(k) === param).map(([, v]) => formEncode(v));
    // RFC 9421 §2.2.8: a repeated name must not be signed on its own
    return values.length > 1 ? fail(`the query parameter "${param}" repeats; cover "@query" instead`) : values[0];
  }
  const values: Record<string, string> = {
    '@method': req.method,
    '@target-uri': target,
    '@authority': url.host,
    '@scheme': url.protocol.slice(0, -1),
    '@request-target': requestTarget,
    '@path': url.pathname,
    '@query': requestTarget.slice(url.pathname.length) || '?',
  };
  return Object.hasOwn(values, name) ? values[name] : fail(`the component "${name}" is not supported for requests`);
}

/** RFC 9421 §2.1: every value of the field (any letter case), obs-fold to one space, trimmed, joined by `, `. */
function fieldValue(headers: Record<string, string>, name: string): string | undefined {
  const values = Object.entries(headers)
    .filter(([k]) => k.toLowerCase() === name)
    .map(([, v]) => v.replace(/\r?\n[ \t]+/g, ' ').replace(/^[ \t]+|[ \t]+$/g, ''));
  return values.length ? values.join(', ') : undefined;
}

/** The inner list of component identifiers, then the parameters in the order of RFC 9421's B.2 and §4.3 examples. */
function paramsValue(ids: string[], p: SignatureParams): string {
  const entries = Object.entries({ created: p.created, keyid: p.keyid, alg: p.alg, expires: p.expires, nonce: p.nonce, tag: p.tag });
  return `(${ids.join(' ')})${entries.map(([k, v]) => (v === undefined ? '' : `;${k}=${sfValue(k, v)}`)).join('')}`;
}

/** An sf-integer (whole seconds) or an sf-string (printable ASCII, `"` and `\` escaped). */
function sfValue(key: string, v: string | number): string {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : fail(`${key} must be whole seconds`);
  return /^[\x20-\x7e]*$/.test(v) ? `"${v.replace(/[\\"]/g, '\\$&')}"` : fail(`${key} must be printable ASCII`);
}

function signBytes(alg: SigAlg, key: HttpSignatureOptions['key'], data: Buffer): Buffer {
  if (!Object.hasOwn(HASH, alg)) fail(`the algorithm must be one of ${Object.keys(HASH).join(', ')}`);
  if (alg === 'hmac-sha256') return createHmac('sha256', sharedSecret(key)).update(data).digest();
  const k = privateKey(key);
  const details = k.asymmetricKeyDetails ?? {};
  const fits = alg === 'ed25519' ? k.asymmetricKeyType === 'ed25519'
    : alg === 'ecdsa-p256-sha256' ? details.namedCurve === 'prime256v1'
    : k.asymmetricKeyType?.startsWith('rsa') && (details.modulusLength ?? 0) >= 2048;
  if (!fits) fail(`${alg} needs an ${alg === 'ed25519' ? 'Ed25519' : alg[0] === 'e' ? 'EC P-256' : 'RSA (at least 2048 bits)'} key`);
  // node:crypto applies only the options that fit the key's type: ECDSA as raw r||s, RSA-PSS with a 64-byte salt
  return sign(HASH[alg], data, { key: k, dsaEncoding: 'ieee-p1363', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 });
}

function sharedSecret(key: HttpSignatureOptions['key']): Buffer {
  const text = typeof key === 'string' ? key.trim() : '';
  // Node's base64 decoder reads the base64url alphabet too
  return /^[\w+/-]+=*$/.test(text) ? Buffer.from(text, 'base64') : fail('hmac-sha256 needs the shared secret as base64 text');
}

/** A private JWK (object or JSON text) or PEM; errors never quote the key. */
function privateKey(key: HttpSignatureOptions['key']): KeyObject {
  try {
    const text = typeof key === 'string' ? key.trim() : '';
    const jwk = typeof key !== 'string' ? key : text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    return jwk ? createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }) : createPrivateKey(text);
  } catch {
    return fail('the signing key could not be read as a private JWK or PEM');
  }
}
