import type { Connection } from '../config/connections.ts';
import { ConfigError } from '../errors.ts';
import type { OutboundRequest } from '../http/outbound.ts';
import { dpopNonceFor, dpopProof, type DpopKey } from '../oauth/dpop.ts';
import { applyApiKey, SignError } from '../sign/api-key.ts';
import { signHmac, type HmacSettings } from '../sign/hmac.ts';
import { HttpSignatureError, signHttpMessage, type SigAlg } from '../sign/http-signature.ts';
import { JwsKeyError } from '../sign/jws.ts';
import { signedJwt } from '../sign/jwt-signed.ts';
import { signSigV4 } from '../sign/sigv4.ts';

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

const text = (conn: Connection, name: string): string | undefined => {
  const v = conn.extra[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const need = (conn: Connection, name: string): string => {
  const v = text(conn, name);
  if (v === undefined) throw new ConfigError('invalid_setting', `connection "${conn.name}": ${name} is required for mode ${conn.mode}`);
  return v;
};

/** The signer of a connection whose mode signs each request itself (not a bearer mode). Settings: DESIGN §3. */
export function modeSigner(conn: Connection): Signer {
  switch (conn.mode) {
    case 'api_key': {
      const s = { key: need(conn, 'api_key'), header: text(conn, 'api_key_header'), query: text(conn, 'api_key_query'), prefix: text(conn, 'api_key_prefix') };
      return (req) => ({ ...req, ...applyApiKey(req.url, req.headers, s) });
    }
    case 'hmac': {
      const s = defined({
        secret: need(conn, 'hmac_secret'), secretEncoding: text(conn, 'hmac_secret_encoding'), preset: text(conn, 'hmac_preset'),
        header: text(conn, 'hmac_header'), template: text(conn, 'hmac_template'), value: text(conn, 'hmac_value'),
        timestampHeader: text(conn, 'hmac_timestamp_header'), algorithm: text(conn, 'hmac_algorithm'), encoding: text(conn, 'hmac_encoding'),
      }) as unknown as HmacSettings;
      return (req, nowMs) => ({ ...req, headers: { ...req.headers, ...signHmac({ method: req.method, url: req.url, body: req.body ?? '' }, s, Math.floor(nowMs / 1000)) } });
    }
    case 'aws_sigv4': {
      const creds = defined({ accessKeyId: need(conn, 'aws_access_key_id'), secretAccessKey: need(conn, 'aws_secret_access_key'), sessionToken: text(conn, 'aws_session_token') });
      const region = need(conn, 'aws_region');
      const service = need(conn, 'aws_service');
      return (req, nowMs) => {
        const signed = signSigV4({ method: req.method, url: req.url, headers: req.headers, body: req.body ?? '' }, creds as { accessKeyId: string; secretAccessKey: string }, { region, service, date: new Date(nowMs) });
        return { ...req, url: signed.url, headers: signed.headers };
      };
    }
    case 'jwt_signed': {
      const s = defined({
        alg: text(conn, 'jwt_alg'), privateJwk: conn.extra.jwt_private_jwk as Record<string, unknown> | undefined, secret: text(conn, 'jwt_secret'),
        claims: conn.extra.jwt_claims as Record<string, unknown> | undefined, ttl: conn.extra.jwt_ttl as number | undefined,
        header: text(conn, 'jwt_header'), prefix: conn.extra.jwt_prefix as string | undefined, kid: text(conn, 'jwt_kid'),
      });
      return (req, nowMs) => ({ ...req, headers: { ...req.headers, ...signedJwt(s, req, Math.floor(nowMs / 1000)) } });
    }
    case 'http_signature': {
      const components = (conn.extra.sig_components as string[] | undefined) ?? ['@method', '@target-uri', 'content-digest'];
      const opts = { alg: need(conn, 'sig_alg') as SigAlg, keyId: need(conn, 'sig_key_id'), key: need(conn, 'sig_key') };
      return (req, nowMs) => {
        const covered = req.body === undefined ? components.filter((c) => c !== 'content-digest') : components;
        const added = signHttpMessage({ method: req.method, url: req.url, headers: req.headers, ...(req.body ? { body: req.body } : {}) }, { ...opts, components: covered, created: Math.floor(nowMs / 1000) });
        return { ...req, headers: { ...req.headers, ...added } };
      };
    }
    default:
      throw new ConfigError('invalid_setting', `connection "${conn.name}": mode ${conn.mode} does not sign requests itself`);
  }
}

/** A signer's refusal of its settings, as the plugin's misconfigured error; the message names the setting, never a value. */
export function signerError(conn: Connection, e: unknown): unknown {
  if (e instanceof SignError || e instanceof HttpSignatureError || e instanceof JwsKeyError) {
    return new ConfigError('invalid_setting', `connection "${conn.name}" (${conn.mode}): ${e instanceof SignError ? `${e.setting} ` : ''}${e.message}`);
  }
  return e;
}

/** The object without its undefined members (exactOptionalPropertyTypes-friendly settings). */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
