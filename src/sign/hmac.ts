import { createHash, createHmac } from 'node:crypto';
import { checkHeaderValue, headerName, refuse, type SignErrorCode } from './api-key.ts';

/** The request exactly as it will be sent: the body signed must be the bytes on the wire. */
export interface HmacRequest { method: string; url: URL; body: string | Uint8Array }

// sha1 only when chosen: legacy APIs still ask for HMAC-SHA-1, and HMAC needs the hash to be a PRF, not the collision
// resistance SHA-1 has lost (RFC 6194; NIST SP 800-131A r2 still accepts HMAC-SHA-1). In each list of choices the
// first is the default (oneOf).
export const HMAC_ALGORITHMS = ['sha256', 'sha384', 'sha512', 'sha1'] as const;
export const HMAC_ENCODINGS = ['hex', 'base64', 'base64url'] as const;
/** Each encoding's well-formed text: Buffer.from skips what it cannot decode, so a mistyped secret must be caught first. */
const SECRET_FORMS = { utf8: /^/, base64: /^[\w+/-]+={0,2}$/, hex: /^(?:[\da-f]{2})+$/i };
type SecretEncoding = keyof typeof SECRET_FORMS;

/**
 * Settings of mode `hmac`. A preset only supplies defaults for header / template / value; any set field wins.
 * - `secret` (hmac_secret), as UTF-8 text unless `secretEncoding` (hmac_secret_encoding) says `base64` or `hex`
 * - `header` (hmac_header): the header that carries `value`; generic default `X-Signature`
 * - `template` (hmac_template): the string to sign, literals plus {method} {host} {path} {query} {url} {timestamp}
 *   {body} {body_sha256} {body_sha256_base64}; required for `generic`. Braces are for placeholders only.
 * - `value` (hmac_value): the header value, the same placeholders but {body}, plus {signature}; default `{signature}`
 * - `timestampHeader` (hmac_timestamp_header): optional header carrying {timestamp} alone, e.g. `X-Timestamp`
 * - `algorithm` (hmac_algorithm, default sha256), `encoding` (hmac_encoding) of {signature}, default lower-case hex
 */
export interface HmacSettings {
  secret: string; secretEncoding?: SecretEncoding; preset?: 'stripe' | 'generic';
  header?: string; template?: string; value?: string; timestampHeader?: string;
  algorithm?: (typeof HMAC_ALGORITHMS)[number]; encoding?: (typeof HMAC_ENCODINGS)[number];
}

/** `generic` (the default) and Stripe's scheme (stripe-node Webhooks.ts): `t=<unix>,v1=<hex HMAC-SHA256("<t>.<body>")>`. */
const PRESETS: Record<'generic' | 'stripe', { header: string; template?: string; value: string }> = {
  generic: { header: 'X-Signature', value: '{signature}' },
  stripe: { header: 'Stripe-Signature', template: '{timestamp}.{body}', value: 't={timestamp},v1={signature}' },
};

/** Every placeholder: the request's, the body's (raw `body` in the string to sign only), and `signature` (in the value only). */
const FIELDS = ['method', 'host', 'path', 'query', 'url', 'timestamp', 'body', 'body_sha256', 'body_sha256_base64', 'signature'];

/** The raw MAC; signHmac encodes it (and the RFC 4231 test reads it byte for byte). */
export function hmacDigest(algorithm: (typeof HMAC_ALGORITHMS)[number], key: string | Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac(algorithm, key).update(data).digest();
}

/** Headers to add to the request: the signature header, and the timestamp header if one is set. */
export function signHmac(req: HmacRequest, s: HmacSettings, nowS: number): Record<string, string> {
  const preset = PRESETS[oneOf(['generic', 'stripe'] as const, s.preset, 'hmac_preset')];
  const key = secretBytes(s.secret, oneOf(Object.keys(SECRET_FORMS) as SecretEncoding[], s.secretEncoding, 'hmac_secret_encoding'));
  const algorithm = oneOf(HMAC_ALGORITHMS, s.algorithm, 'hmac_algorithm');
  const encoding = oneOf(HMAC_ENCODINGS, s.encoding, 'hmac_encoding');
  const template = s.template ?? preset.template ?? refuse('hmac_template', 'is required by hmac_preset generic');
  const signed = parseTemplate(template, FIELDS.slice(0, -1), 'hmac_template');
  const valueText = checkHeaderValue(s.value ?? preset.value, 'hmac_value');
  const value = parseTemplate(valueText, FIELDS.filter((f) => f !== 'body'), 'hmac_value');
  // parsed, the template has braces only around placeholders
  if (!valueText.includes('{signature}')) refuse('hmac_value', 'must contain {signature}');
  const name = headerName(s.header ?? preset.header, 'hmac_header');
  const tsName = s.timestampHeader === undefined ? undefined : headerName(s.timestampHeader, 'hmac_timestamp_header');
  if (tsName?.toLowerCase() === name.toLowerCase()) refuse('hmac_timestamp_header', 'must differ from hmac_header', 'setting_conflict');

  const { body } = req;
  const sha = createHash('sha256').update(body).digest();
  const timestamp = String(Math.floor(nowS));
  const fields = { ...requestFields(req.method, req.url), timestamp, body, body_sha256: sha.toString('hex'), body_sha256_base64: sha.toString('base64') };
  const signature = hmacDigest(algorithm, key, renderTemplate(signed, fields)).toString(encoding);
  const out = { [name]: renderTemplate(value, { ...fields, signature }).toString() };
  if (tsName) out[tsName] = timestamp;
  return out;
}

/** Placeholder values that describe the request; `url` is what is sent (no fragment, no userinfo). */
export function requestFields(method: string, url: URL): Record<string, string> {
  return { method: method.toUpperCase(), host: url.host, path: url.pathname, query: url.search.slice(1), url: `${url.origin}${url.pathname}${url.search}` };
}

/**
 * A template split at its placeholders: even indices are literals, odd ones placeholder names. An unknown name or a
 * stray brace is refused, so a typo such as `{timestamp.{body}` cannot silently sign the wrong string. Only a
 * word-like name is quoted back: a template may hold anything.
 */
export function parseTemplate(template: string, allowed: readonly string[], setting: string): string[] {
  const parts = template.split(/\{([^{}]*)\}/);
  const bad = parts.find((p, i) => (i % 2 ? !allowed.includes(p) : /[{}]/.test(p)));
  if (bad !== undefined) {
    const what = /^\w{1,32}$/.test(bad) ? `{${bad}}` : 'or stray brace';
    refuse(setting, `has an unknown placeholder ${what}; known: {${allowed.join('} {')}}`, 'unknown_placeholder');
  }
  return parts;
}

/** The template's bytes: literals as UTF-8, placeholders from `values` (bytes kept as bytes, e.g. a binary body). */
export function renderTemplate(parts: readonly string[], values: Readonly<Record<string, string | Uint8Array>>): Buffer {
  return Buffer.concat(parts.map((p, i) => Buffer.from(i % 2 === 0 ? p : (values[p] ?? ''))));
}

function secretBytes(secret: string, encoding: SecretEncoding): Buffer {
  if (!secret) refuse('hmac_secret', 'is not set', 'secret_missing');
  const key = Buffer.from(secret, encoding);
  return SECRET_FORMS[encoding].test(secret) && key.length ? key : refuse('hmac_secret', `is not ${encoding} (hmac_secret_encoding)`, 'secret_invalid');
}

/** `value` (or, unset, the first of `allowed`) if it is one of `allowed`; settings come from JSON, so the type alone proves nothing. */
export function oneOf<T extends string>(allowed: readonly T[], value: string | undefined, setting: string, code?: SignErrorCode): T {
  return allowed.find((a) => a === (value ?? allowed[0])) ?? refuse(setting, `must be one of ${allowed.join(', ')}`, code);
}
