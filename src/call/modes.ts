import type { Connection } from '../config/connections.ts';
import { ConfigError } from '../errors.ts';
import type { OutboundRequest } from '../http/outbound.ts';
import { dpopNonceFor, dpopProof, type DpopKey } from '../oauth/dpop.ts';
import { applyApiKey, SignError, type ApiKeySettings } from '../sign/api-key.ts';
import { signHmac, type HmacSettings } from '../sign/hmac.ts';
import { HttpSignatureError, signHttpMessage, type HttpSignatureOptions } from '../sign/http-signature.ts';
import { JwsKeyError } from '../sign/jws.ts';
import { signedJwt } from '../sign/jwt-signed.ts';
import { signSigV4, type SigV4Credentials } from '../sign/sigv4.ts';

/** Signs one request as sent (fresh timestamps, nonces and proofs per attempt); pure, the clock is passed in. */
export type Signer = (req: OutboundRequest, nowMs: number) => OutboundRequest;

/** An access token in hand for the bearer modes, and the DPoP key it is bound to. */
export interface BearerToken {
  token: string;
  type: string;
  dpop?: DpopKey | undefined;
}

/**
 * `Authorization: <type> <token>`; with a DPoP-bound token, a proof per request with `ath` (RFC 9449 §7) and the
 * resource server's last nonce.
 */
export function bearerSigner(t: BearerToken): Signer {
  return (req, nowMs) => {
    const headers: Record<string, string> = { ...req.headers, authorization: `${t.dpop ? 'DPoP' : 'Bearer'} ${t.token}` };
    if (t.dpop) headers.dpop = dpopProof(t.dpop, req.method, req.url, Math.floor(nowMs / 1000), dpopNonceFor(req.url), t.token);
    return { ...req, headers };
  };
}

/**
 * Each signing mode's settings: option name → pinned setting name (DESIGN §3), `!` when required. The signers check
 * the values themselves (src/sign); here they are only gathered.
 */
const OPTIONS = {
  api_key: { key: '!api_key', header: 'api_key_header', query: 'api_key_query', prefix: 'api_key_prefix' },
  hmac: {
    secret: '!hmac_secret', secretEncoding: 'hmac_secret_encoding', preset: 'hmac_preset', header: 'hmac_header', template: 'hmac_template',
    value: 'hmac_value', timestampHeader: 'hmac_timestamp_header', algorithm: 'hmac_algorithm', encoding: 'hmac_encoding',
  },
  aws_sigv4: { accessKeyId: '!aws_access_key_id', secretAccessKey: '!aws_secret_access_key', sessionToken: 'aws_session_token', region: '!aws_region', service: '!aws_service',
    signQuery: 'aws_sign_query', unsignedPayload: 'aws_unsigned_payload' },
  jwt_signed: { alg: 'jwt_alg', privateJwk: 'jwt_private_jwk', secret: 'jwt_secret', claims: 'jwt_claims', ttl: 'jwt_ttl', header: 'jwt_header', prefix: 'jwt_prefix', kid: 'jwt_kid' },
  http_signature: { alg: '!sig_alg', keyId: '!sig_key_id', key: '!sig_key', components: 'sig_components' },
} as const;
type SigningMode = keyof typeof OPTIONS;

/** The mode's settings as its signer's options; a missing required one is named. */
function options(conn: Connection, mode: SigningMode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [option, spec] of Object.entries(OPTIONS[mode])) {
    const name = spec.replace('!', '');
    const v = conn.extra[name];
    if (v !== undefined) out[option] = v;
    else if (spec !== name) throw new ConfigError('invalid_setting', `connection "${conn.name}": ${name} is required for mode ${mode}`);
  }
  return out;
}

/** The signer of a connection whose mode signs each request itself (not a bearer mode). Settings: DESIGN §3. */
export function modeSigner(conn: Connection): Signer {
  const mode = conn.mode;
  if (!Object.hasOwn(OPTIONS, mode)) throw new ConfigError('invalid_setting', `connection "${conn.name}": mode ${mode} does not sign requests itself`);
  const o = options(conn, mode as SigningMode);
  const nowS = (ms: number): number => Math.floor(ms / 1000);
  switch (mode as SigningMode) {
    case 'api_key':
      return (req) => ({ ...req, ...applyApiKey(req.url, req.headers, o as unknown as ApiKeySettings) });
    case 'hmac':
      return (req, nowMs) => ({ ...req, headers: { ...req.headers, ...signHmac({ ...req, body: req.body ?? '' }, o as unknown as HmacSettings, nowS(nowMs)) } });
    case 'aws_sigv4':
      return (req, nowMs) => {
        const signed = signSigV4({ ...req, body: req.body ?? '' }, o as unknown as SigV4Credentials, { ...(o as { region: string; service: string }), date: new Date(nowMs) });
        return { ...req, url: signed.url, headers: signed.headers };
      };
    case 'jwt_signed':
      return (req, nowMs) => ({ ...req, headers: { ...req.headers, ...signedJwt(o, req, nowS(nowMs)) } });
    case 'http_signature': {
      const components = (o.components as string[] | undefined) ?? ['@method', '@target-uri', 'content-digest'];
      return (req, nowMs) => {
        const covered = req.body === undefined ? components.filter((c) => c !== 'content-digest') : components;
        return { ...req, headers: { ...req.headers, ...signHttpMessage(req, { ...(o as unknown as HttpSignatureOptions), components: covered, created: nowS(nowMs) }) } };
      };
    }
  }
}

/** A signer's refusal of its settings, as the plugin's misconfigured error; the message names the setting, never a value. */
export function signerError(conn: Connection, e: unknown): unknown {
  if (e instanceof SignError || e instanceof HttpSignatureError || e instanceof JwsKeyError) {
    return new ConfigError('invalid_setting', `connection "${conn.name}" (${conn.mode}): ${e instanceof SignError ? `${e.setting} ` : ''}${e.message}`);
  }
  return e;
}
