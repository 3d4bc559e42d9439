/**
 * RFC 9421 HTTP Message Signatures for outgoing requests: a pure function (no I/O, no clock) that returns the
 * `Signature-Input` and `Signature` fields to add, plus `Content-Digest` (RFC 9530) when it is covered and a body is
 * given. node:crypto does the math.
 */
import { createHash, createHmac, createPrivateKey, constants, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { withoutHeader } from './api-key.ts';

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

/**
 * Per algorithm (RFC 9421 §3.3): the hash it signs with (Ed25519 hashes internally), the key it needs as keyKind
 * names it (none: a shared secret), and that key in words.
 */
const ALGS: Record<SigAlg, [hash: string | null, kind?: string, needs?: string]> = {
  'hmac-sha256': ['sha256'],
  ed25519: [null, 'ed25519', 'an Ed25519 key'],
  'ecdsa-p256-sha256': ['sha256', 'ec prime256v1', 'an EC P-256 key'],
  'rsa-pss-sha512': ['sha512', 'rsa', 'an RSA key of at least 2048 bits'],
};
const PARAMS_ID = '"@signature-params": ';
/** The `@signature-params` parameters, in the order of RFC 9421's B.2 and §4.3 examples. */
const PARAMS = ['created', 'keyid', 'alg', 'expires', 'nonce', 'tag'] as const;
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
    const value = (name.startsWith('@') ? derivedValue(req, name, param) : fieldValue(req.headers, name)) ?? fail(`${id} is absent`);
    // a line break would let a value forge further base lines
    if (/[\r\n]/.test(value)) fail(`${id} has a line break`);
    return `${id}: ${value}`;
  });
  return [...lines, PARAMS_ID + paramsValue(ids, params)].join('\n');
}

/** Signs the request; the returned headers replace any of the same name (case-insensitively) on the request. */
export function signHttpMessage(req: SignableRequest, opts: HttpSignatureOptions): Record<string, string> {
  const label = opts.label ?? 'sig1';
  if (!/^[a-z*][a-z0-9_.*-]*$/.test(label)) fail('the label must be a structured-field key');
  const added: Record<string, string> = {};
  if (req.body !== undefined && opts.components.some((c) => parseComponent(c).name === 'content-digest')) {
    added['content-digest'] = `sha-256=:${createHash('sha256').update(req.body).digest('base64')}:`;
    req = { ...req, headers: { ...withoutHeader(req.headers, 'content-digest'), ...added } };
  }
  // signatureBase reads only the PARAMS of its third argument
  const base = signatureBase(req, opts.components, { ...opts, keyid: opts.keyId, alg: opts.includeAlg ? opts.alg : undefined });
  // the last base line is `"@signature-params": <value>`, and that value is exactly the Signature-Input member
  added['signature-input'] = `${label}=${base.slice(base.lastIndexOf('\n') + 1 + PARAMS_ID.length)}`;
  added.signature = `${label}=:${signBytes(opts.alg, opts.key, Buffer.from(base)).toString('base64')}:`;
  return added;
}

/** `name` or `name;name="…"` (quotes around the name optional); only `@query-param` takes, and needs, `name`. */
function parseComponent(spec: string): { name: string; param?: string | undefined } {
  const [, , id = '', param] = /^("?)(@?[a-z0-9!#$%&'*+.^_`|~-]+)\1(?:;name="([\x20\x21\x23-\x5b\x5d-\x7e]*)")?$/i.exec(spec.trim()) ?? [];
  const name = id.toLowerCase();
  if (!name || (name === '@query-param') !== (param !== undefined)) fail(`"${spec}" is not supported`);
  return { name, param };
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
    return values.length > 1 ? fail(`query parameter "${param}" repeats; cover "@query"`) : values[0];
  }
  switch (name) {
    case '@method': return req.method;
    case '@target-uri': return target;
    case '@authority': return url.host;
    case '@scheme': return url.protocol.slice(0, -1);
    case '@request-target': return requestTarget;
    case '@path': return url.pathname;
    case '@query': return requestTarget.slice(url.pathname.length) || '?';
    default: return fail(`"${name}" is not supported`);
  }
}

/** RFC 9421 §2.1: every value of the field (any letter case), obs-fold to one space, trimmed, joined by `, `. */
function fieldValue(headers: Record<string, string>, name: string): string | undefined {
  const values = Object.entries(headers)
    .filter(([k]) => k.toLowerCase() === name)
    .map(([, v]) => v.replace(/\r?\n[ \t]+/g, ' ').replace(/^[ \t]+|[ \t]+$/g, ''));
  return values.length ? values.join(', ') : undefined;
}

/** The inner list of component identifiers, then the parameters that are set. */
function paramsValue(ids: string[], p: SignatureParams): string {
  return `(${ids.join(' ')})${PARAMS.map((k) => (p[k] === undefined ? '' : `;${k}=${sfValue(k, p[k])}`)).join('')}`;
}

/** An sf-integer (whole seconds) or an sf-string (printable ASCII, `"` and `\` escaped). */
function sfValue(key: string, v: string | number): string {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : fail(`${key} must be whole seconds`);
  return /^[\x20-\x7e]*$/.test(v) ? `"${v.replace(/[\\"]/g, '\\$&')}"` : fail(`${key} must be printable ASCII`);
}

function signBytes(alg: SigAlg, key: HttpSignatureOptions['key'], data: Buffer): Buffer {
  const [hash, kind, needs] = Object.hasOwn(ALGS, alg) ? ALGS[alg] : fail(`alg must be one of ${Object.keys(ALGS).join(', ')}`);
  const text = typeof key === 'string' ? key.trim() : '';
  if (!kind) {
    // Node's base64 decoder reads the base64url alphabet too
    if (!/^[\w+/-]+=*$/.test(text)) fail('hmac-sha256 needs a secret as base64 text');
    return createHmac('sha256', Buffer.from(text, 'base64')).update(data).digest();
  }
  const k = privateKey(key, text);
  if (keyKind(k) !== kind) fail(`${alg} needs ${needs}`);
  // node:crypto applies only the options that fit the key's type: ECDSA as raw r||s, RSA-PSS with a 64-byte salt
  return sign(hash, data, { key: k, dsaEncoding: 'ieee-p1363', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 });
}

/**
 * What signBytes compares with ALGS: `ed25519`, `ec <curve>`, `rsa` (RSA or RSA-PSS), and `weak` for any key under
 * 2048 bits (NIST SP 800-131A); other types keep their own name, which no algorithm asks for.
 */
function keyKind(k: KeyObject): string | undefined {
  const { namedCurve, modulusLength = 2048 } = k.asymmetricKeyDetails ?? {};
  return modulusLength < 2048 ? 'weak' : namedCurve ? `ec ${namedCurve}` : k.asymmetricKeyType?.replace('-pss', '');
}

/**
 * Imported keys by their text (or their JWK object): a connection's key is imported once per process. The text is
 * already held by the connection this process keeps; the table adds no copy that outlives it by long (32 at most).
 */
const imported = new Map<string, KeyObject>();
const importedJwk = new WeakMap<object, KeyObject>();

/** A private JWK (object or JSON text) or PEM; errors never quote the key. */
function privateKey(key: HttpSignatureOptions['key'], text: string): KeyObject {
  const hit = typeof key === 'string' ? imported.get(text) : importedJwk.get(key);
  if (hit) return hit;
  let k: KeyObject;
  try {
    const jwk = typeof key !== 'string' ? key : text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    k = jwk ? createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }) : createPrivateKey(text);
  } catch {
    return fail('the key could not be read as a private JWK or PEM');
  }
  if (typeof key !== 'string') importedJwk.set(key, k);
  else {
    if (imported.size >= 32) imported.clear();
    imported.set(text, k);
  }
  return k;
}
