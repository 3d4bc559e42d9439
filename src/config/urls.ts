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
