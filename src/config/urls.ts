import { ConfigError } from '../errors.ts';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Checks a configured endpoint: https only, except plain http to a loopback host when the connection
 * says `allow_insecure_http` (local testing). No credentials or fragments in the URL.
 * `field` names the setting in the error; the URL itself is never echoed.
 */
export function checkEndpointUrl(value: string, field: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('invalid_url', `${field} is not a valid absolute URL`);
  }
  if (url.username || url.password || url.hash) {
    throw new ConfigError('invalid_url', `${field} must not contain credentials or a #fragment`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowInsecureHttp && isLoopbackHost(url.hostname)) return url;
  if (url.protocol === 'http:' && allowInsecureHttp) {
    throw new ConfigError('insecure_url', `${field}: allow_insecure_http is only allowed for loopback hosts (127.0.0.1, ::1, localhost)`);
  }
  throw new ConfigError('insecure_url', `${field} must be an https URL`);
}

/**
 * An issuer is an endpoint URL whose path is clean: no query, no empty, `.` or `..` segments, no encoded
 * slash, dot or backslash. A path such as `//other-host` would make the discovery URL resolve to another
 * host, and the client secret would follow it.
 */
export function checkIssuerUrl(value: string, field: string, allowInsecureHttp: boolean): URL {
  const url = checkEndpointUrl(value, field, allowInsecureHttp);
  const rawPath = value.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const segments = rawPath.replace(/\/$/, '').split('/').slice(1);
  const dirty = url.search !== '' || /[\\%]/.test(rawPath) || segments.some((s) => s === '' || s === '.' || s === '..');
  if (dirty || url.pathname.includes('//')) {
    throw new ConfigError('invalid_url', `${field} must be an issuer URL with a plain path (no //, . or .. segments, no query)`);
  }
  return url;
}

/** The OIDC discovery URL of an issuer (OIDC Discovery §4), on the issuer's own origin whatever its path. */
export function discoveryUrl(issuer: URL): URL {
  const url = new URL(`${issuer.pathname.replace(/\/$/, '')}/.well-known/openid-configuration`, issuer.origin);
  if (url.origin !== issuer.origin) throw new ConfigError('invalid_url', 'the issuer URL does not give a discovery URL on its own host');
  return url;
}
