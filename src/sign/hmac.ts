import { createHash, createHmac } from 'node:crypto';
import { checkHeaderValue, headerName, SignError } from './api-key.ts';

/** The request exactly as it will be sent: the body signed must be the bytes on the wire. */
export interface HmacRequest { method: string; url: URL; body: string | Uint8Array }

// sha1 only when chosen: legacy APIs still ask for HMAC-SHA-1, and HMAC needs the hash to be a PRF, not the collision
// resistance SHA-1 has lost (RFC 6194; NIST SP 800-131A r2 still accepts HMAC-SHA-1).
export const HMAC_ALGORITHMS = ['sha256', 'sha384', 'sha512', 'sha1'] as const;
export const HMAC_ENCODINGS = ['hex', 'base64', 'base64url'] as const;
const SECRET_ENCODINGS = ['utf8', 'base64', 'hex'] as const;

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
  secret: string; secretEncoding?: (typeof SECRET_ENCODINGS)[number]; preset?: 'stripe' | 'generic';
  header?: string; template?: string; value?: string; timestampHeader?: string;
  algorithm?: (typeof HMAC_ALGORITHMS)[number]; encoding?: (typeof HMAC_ENCODINGS)[number];
}

/** Stripe's scheme (stripe-node Webhooks.ts): `t=<unix>,v1=<hex HMAC-SHA256("<t>.<body>")>`, secret used as given. */
const PRESETS = {
  stripe: { header: 'Stripe-Signature', template: '{timestamp}.{body}', value: 't={timestamp},v1={signature}' },
  generic: { header: 'X-Signature', template: undefined, value: '{signature}' },
} as const;

const REQUEST_FIELDS = ['method', 'host', 'path', 'query', 'url', 'timestamp'];
const SIGNED_FIELDS = [...REQUEST_FIELDS, 'body', 'body_sha256', 'body_sha256_base64'];
const VALUE_FIELDS = [...REQUEST_FIELDS, 'body_sha256', 'body_sha256_base64', 'signature'];

/** The raw MAC; signHmac encodes it (and the RFC 4231 test reads it byte for byte). */
export function hmacDigest(algorithm: (typeof HMAC_ALGORITHMS)[number], key: string | Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac(algorithm, key).update(data).digest();
}

/** Headers to add to the request: the signature header, and the timestamp header if one is set. */
export function signHmac(req: HmacRequest, s: HmacSettings, nowS: number): Record<string, string> {
  const preset = PRESETS[oneOf(['stripe', 'generic'] as const, s.preset ?? 'generic', 'hmac_preset')];
  const key = secretBytes(s.secret, oneOf(SECRET_ENCODINGS, s.secretEncoding ?? 'utf8', 'hmac_secret_encoding'));
  const algorithm = oneOf(HMAC_ALGORITHMS, s.algorithm ?? 'sha256', 'hmac_algorithm');
  const encoding = oneOf(HMAC_ENCODINGS, s.encoding ?? 'hex', 'hmac_encoding');
  const template = s.template ?? preset.template;
  if (template === undefined) throw new SignError('invalid_setting', 'hmac_template', 'is required with hmac_preset "generic": write the string to sign');
  const signed = parseTemplate(template, SIGNED_FIELDS, 'hmac_template');
  const value = parseTemplate(checkHeaderValue(s.value ?? preset.value, 'hmac_value'), VALUE_FIELDS, 'hmac_value');
  if (!value.some((p, i) => i % 2 === 1 && p === 'signature')) throw new SignError('invalid_setting', 'hmac_value', 'must contain {signature}');
  const name = headerName(s.header ?? preset.header, 'hmac_header');
  const tsName = s.timestampHeader === undefined ? undefined : headerName(s.timestampHeader, 'hmac_timestamp_header');
  if (tsName?.toLowerCase() === name.toLowerCase()) throw new SignError('setting_conflict', 'hmac_timestamp_header', 'must differ from hmac_header');

  const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : Buffer.from(req.body);
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
 * stray brace is refused, so a typo such as `{timestamp.{body}` cannot silently sign the wrong string.
 */
export function parseTemplate(template: string, allowed: readonly string[], setting: string): string[] {
  const parts = template.split(/\{([^{}]*)\}/);
  parts.forEach((p, i) => {
    if (i % 2 === 0 ? /[{}]/.test(p) : !allowed.includes(p)) {
      const what = i % 2 === 0 ? 'a brace outside a placeholder' : /^\w{1,32}$/.test(p) ? `the unknown placeholder {${p}}` : 'an unknown placeholder';
      throw new SignError('unknown_placeholder', setting, `has ${what}; known: ${allowed.map((a) => `{${a}}`).join(' ')}`);
    }
  });
  return parts;
}

/** The template's bytes: literals as UTF-8, placeholders from `values` (bytes kept as bytes, e.g. a binary body). */
export function renderTemplate(parts: readonly string[], values: Readonly<Record<string, string | Uint8Array>>): Buffer {
  return Buffer.concat(parts.map((p, i) => Buffer.from(i % 2 === 0 ? p : (values[p] ?? ''))));
}

function secretBytes(secret: string, encoding: (typeof SECRET_ENCODINGS)[number]): Buffer {
  if (!secret) throw new SignError('secret_missing', 'hmac_secret', 'is not set');
  const form = encoding === 'hex' ? /^(?:[0-9a-f]{2})+$/i : encoding === 'base64' ? /^[A-Za-z0-9+/_-]+={0,2}$/ : /^/;
  const key = Buffer.from(secret, encoding);
  // Buffer.from skips what it cannot decode: check the form so a mistyped secret is reported, not used half-decoded.
  if (!form.test(secret) || key.length === 0) throw new SignError('secret_invalid', 'hmac_secret', `is not valid ${encoding} (hmac_secret_encoding)`);
  return key;
}

/** `value` if it is one of `allowed`; settings come from JSON, so the type alone proves nothing. */
function oneOf<T extends string>(allowed: readonly T[], value: string, setting: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new SignError('invalid_setting', setting, `must be one of ${allowed.join(', ')}`);
  return found;
}
