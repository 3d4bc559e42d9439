/**
 * Egress policy for Call API (DESIGN §3, §5 item 4): which URL, method and headers a workflow may send. Pure, no I/O.
 * The path and headers come from workflow fields (untrusted); the base URL and the allow-lists from the connection.
 * Every refusal has its own code and names the rule it broke, never the value.
 */
import { isIP } from 'node:net';
import { ConfigError, InputError } from '../errors.ts';
import { isLoopbackHost } from '../config/urls.ts';

export interface EgressPolicy {
  allowedHosts: string[];
  allowedMethods: string[];
  allowedPaths: string[];
  allowInsecureHttp: boolean;
  baseUrl: URL;
}

export const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const MAX_PATH = 4096;
const CONTROL = /[\u0000-\u001f\u007f]/;
const refusePath = (why: string): never => { throw new InputError('path_refused', `The path ${why}`); };

/** base + path (+ the path's own ?query, then `query`), refused when it could leave the base. */
export function buildTargetUrl(base: string, path: string, query: [string, string][]): URL {
  const baseUrl = new URL(base);
  if (path.length > MAX_PATH) refusePath(`is longer than ${MAX_PATH} characters`);
  if (CONTROL.test(path)) refusePath('has a control character');
  if (path.includes('#')) refusePath('has a #fragment');
  const q = path.indexOf('?');
  const rawPath = q < 0 ? path : path.slice(0, q);
  if (/^[a-z][a-z0-9+.-]*:/i.test(rawPath)) refusePath('is an absolute URL: give a path under the API base URL');
  if (rawPath.includes('\\')) refusePath('has a backslash');
  // `@` is harmless after a fixed authority, but refused so no later parser can take it for userinfo (%40 passes)
  if (rawPath.includes('@')) refusePath('has an @ (write %40)');
  const rel = rawPath.replace(/^\//, '');
  checkSegments(rel);
  const basePath = dirPath(baseUrl.pathname);
  const url = new URL(rel ? `${baseUrl.origin}${basePath}${rel}` : baseUrl.href);
  url.search = [baseUrl.search.slice(1), q < 0 ? '' : path.slice(q + 1), new URLSearchParams(query).toString()].filter(Boolean).join('&');
  if (url.origin !== baseUrl.origin || url.username || url.password || !underBase(url, baseUrl)) refusePath('leaves the API base URL');
  return url;
}

/** Checks one request against the connection's policy; returns the method, upper-cased. */
export function checkEgress(url: URL, method: string, policy: EgressPolicy): string {
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && policy.allowInsecureHttp && isLoopbackHost(url.hostname));
  if (!secure) throw new ConfigError('insecure_url', 'Call API URLs must be https (http only for loopback hosts with allow_insecure_http)');
  if (url.username || url.password || url.hash) refusePath('carries credentials or a #fragment');
  const allowed = policy.allowedHosts.length ? policy.allowedHosts : [policy.baseUrl.host];
  if (!allowed.some((entry) => hostMatches(entry, url, policy.baseUrl))) {
    throw new InputError('host_not_allowed', "The URL's host is not in the connection's allowed_hosts");
  }
  const m = checkMethod(method, policy.allowedMethods);
  checkSegments(url.pathname.replace(/^\//, ''));
  if (!underBase(url, policy.baseUrl)) throw new InputError('path_not_allowed', 'The path is outside the API base URL');
  if (policy.allowedPaths.length && !policy.allowedPaths.some((p) => pathMatches(p, relSegments(url, policy.baseUrl)))) {
    throw new InputError('path_not_allowed', "The path is not under any of the connection's allowed_paths");
  }
  return m;
}

function checkMethod(method: string, allowedMethods: string[]): string {
  // ASCII letters only before upper-casing: 'poſt'.toUpperCase() is 'POST'
  const m = /^[A-Za-z]{1,16}$/.test(method) ? method.toUpperCase() : '';
  const allowed = allowedMethods.length ? allowedMethods.map((a) => a.toUpperCase()) : DEFAULT_METHODS;
  if (!DEFAULT_METHODS.includes(m) || !allowed.includes(m)) {
    throw new InputError('method_not_allowed', "The method is not one of the connection's allowed_methods (GET HEAD POST PUT PATCH DELETE at most)");
  }
  return m;
}

/** Each segment, decoded at every level of percent-encoding, is no dot segment and hides no slash or control. */
function checkSegments(rel: string): void {
  const segments = rel.split('/');
  segments.forEach((s, i) => {
    if (s === '' && i < segments.length - 1) refusePath('has an empty segment (//)');
    checkSegment(s);
  });
}

function checkSegment(raw: string): void {
  if (/%(?![0-9a-f]{2})/i.test(raw)) refusePath('has a % that starts no %XX escape');
  let v = raw;
  for (let depth = 0; ; depth++) {
    // what lenient servers may also see: NFKC (．→ .), ideographic stops, no invisible characters, Tomcat's `..;param`
    const norm = v.normalize('NFKC').replace(/[\u3002\uff61]/g, '.').replace(/[\u00ad\u200b-\u200f\u2060\ufeff]/g, '');
    const plain = norm.replace(/;.*$/s, '');
    if (/^[.\s]+$/.test(plain) && plain.includes('.')) refusePath('has a . or .. segment (in some encoding)');
    if (/[/\\]/.test(norm)) refusePath('has an encoded / or \\ (%2F, %5C)');
    if (CONTROL.test(norm)) refusePath('has an encoded control character');
    if (!/%[0-9a-f]{2}/i.test(norm)) return;
    if (depth === 3) refusePath('is percent-encoded more than three times');
    v = decodeEscapes(norm);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** %XX runs decoded as UTF-8; invalid UTF-8 (overlong %C0%AE = '.') is refused, not guessed at. */
function decodeEscapes(s: string): string {
  return s.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return UTF8.decode(Buffer.from(run.replace(/%/g, ''), 'hex'));
    } catch {
      return refusePath('has percent-encoding that is not UTF-8');
    }
  });
}

const dirPath = (p: string): string => (p.endsWith('/') ? p : `${p}/`);
const underBase = (url: URL, base: URL): boolean => url.pathname === base.pathname || url.pathname.startsWith(dirPath(base.pathname));
const relSegments = (url: URL, base: URL): string[] =>
  url.pathname.slice(dirPath(base.pathname).length).split('/').map(decodeEscapes);

/** An allowed_paths entry is a prefix of whole segments; `*` matches within one segment, never across `/`. */
function pathMatches(pattern: string, segments: string[]): boolean {
  const parts = pattern.replace(/^\/+|\/+$/g, '').split('/').filter(Boolean);
  return parts.length <= segments.length && parts.every((p, i) => {
    const s = segments[i] ?? '';
    const re = new RegExp(`^${p.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
    return s !== '' && re.test(s);
  });
}

/** Exact host (lower-case, IDNA), or `*.example.com` = exactly one more label; no port = the base's port. */
function hostMatches(entry: string, url: URL, base: URL): boolean {
  let e: URL;
  try {
    e = new URL(`${url.protocol}//${entry.trim()}`);
  } catch {
    return false;
  }
  if (e.pathname !== '/' || e.username || e.search) return false;
  if (url.port !== e.port && !(e.port === '' && url.port === base.port)) return false;
  if (!e.hostname.startsWith('*.')) return url.hostname === e.hostname;
  const suffix = e.hostname.slice(2);
  const label = url.hostname.slice(0, -suffix.length - 1);
  return suffix.includes('.') && !suffix.includes('*') && url.hostname.endsWith(`.${suffix}`) && /^[a-z0-9-]+$/.test(label);
}

const refusedHeaders = (names: string, why: string): [string, string][] => names.split(' ').map((n) => [n, why]);
const REFUSED_HEADERS = new Map([
  ...refusedHeaders('host content-length transfer-encoding connection keep-alive upgrade te trailer expect http2-settings', 'is set by the HTTP client, not the workflow'),
  // credentials come from the connection's signer only: a workflow field would bypass sealing and could override it
  ...refusedHeaders('authorization cookie dpop', "carries credentials: the connection's signing mode sets it"),
  // widely honoured overrides that would re-route or re-type a request past allowed_methods / allowed_paths
  ...refusedHeaders('x-http-method-override x-http-method x-method-override x-original-url x-rewrite-url x-forwarded-host', 'would override the method or path the connection allows'),
]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;

/** The workflow's headers, checked; names lower-cased. */
export function checkHeaders(headers: [string, string][]): Record<string, string> {
  if (headers.length > 64) throw new InputError('header_invalid', 'More than 64 headers');
  const out = new Map<string, string>();
  for (const [name, value] of headers) {
    if (!TOKEN.test(name)) throw new InputError('header_invalid', 'A header name is not an HTTP token (letters, digits, ! # $ % & \' * + - . ^ _ ` | ~)');
    const n = name.toLowerCase();
    if (value.length > 8192 || /[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw new InputError('header_invalid', `The value of header ${n} has a control character (CR, LF, NUL…), a character beyond Latin-1, or is over 8 KB`);
    }
    const why = REFUSED_HEADERS.get(n) ?? (n.startsWith('proxy-') ? 'is for proxies, not the API' : undefined);
    if (why) throw new InputError('header_not_allowed', `Header ${n} ${why}`);
    if (out.has(n)) throw new InputError('header_invalid', `Header ${n} is given twice`);
    out.set(n, value);
  }
  return Object.fromEntries(out); // own properties, so `__proto__` and `constructor` are plain names
}

/** Throws unless `ip` is a public unicast address (loopback passes when allowed). */
export function checkAddress(ip: string, allowLoopback: boolean): void {
  if (isForbiddenAddress(ip, allowLoopback)) {
    throw new InputError('address_not_allowed', 'The API host is (or resolves to) a private, loopback, link-local or reserved address');
  }
}

/** True for any address an API call must not reach, and for anything that is not an IP address at all. */
export function isForbiddenAddress(ip: string, allowLoopback = false): boolean {
  const host = ip.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return forbiddenV4(v4, allowLoopback);
  return isIP(host) === 6 ? forbiddenV6(parseIPv6(host), allowLoopback) : true;
}

const V4_BLOCKS = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24',
  '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/3'].map((c) => {
  const [a, bits] = c.split('/') as [string, string];
  return { net: parseIPv4(a) ?? 0, bits: Number(bits) };
});
const inV4 = (n: number, net: number, bits: number): boolean => n >>> (32 - bits) === net >>> (32 - bits);

function forbiddenV4(n: number, allowLoopback: boolean): boolean {
  if (inV4(n, 0x7f000000, 8)) return !allowLoopback;
  return V4_BLOCKS.some((b) => inV4(n, b.net, b.bits)); // 224/3 = multicast, reserved 240/4 and broadcast
}

/** IPv4 as inet_aton and URL parsers read it: 1–4 parts, each decimal, 0-octal or 0x-hex. */
function parseIPv4(s: string): number | undefined {
  const parts = s.replace(/\.$/, '').split('.');
  if (parts.length > 4) return undefined;
  const nums = parts.map((p) => (/^0x[0-9a-f]*$/i.test(p) ? parseInt(p.slice(2) || '0', 16) : /^0[0-7]*$/.test(p) ? parseInt(p, 8) : /^[1-9]\d*$/.test(p) ? Number(p) : NaN));
  const last = nums.pop();
  if (last === undefined || Number.isNaN(last) || nums.some((x) => Number.isNaN(x) || x > 255) || last >= 256 ** (4 - nums.length)) return undefined;
  return nums.reduce((acc, x, i) => acc + x * 256 ** (3 - i), last);
}

function parseIPv6(s: string): number[] {
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s)?.[1];
  const n = v4 === undefined ? undefined : parseIPv4(v4) ?? 0;
  const t = n === undefined ? s : `${s.slice(0, -(v4 ?? '').length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  const [head = '', tail] = t.split('::');
  const h = head ? head.split(':') : [];
  const tl = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - tl.length).fill('0');
  return [...h, ...fill, ...tl].map((x) => parseInt(x, 16));
}

function forbiddenV6(g: number[], allowLoopback: boolean): boolean {
  const at = (i: number): number => g[i] ?? 0;
  const embedded = ((at(6) << 16) | at(7)) >>> 0;
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 7) && at(7) === 1) return !allowLoopback; // ::1
  if (zeros(0, 5) && at(5) === 0xffff) return forbiddenV4(embedded, allowLoopback); // ::ffff:a.b.c.d (mapped)
  if (zeros(0, 4) && at(4) === 0xffff && at(5) === 0) return forbiddenV4(embedded, allowLoopback); // ::ffff:0:a.b.c.d (SIIT)
  if (at(0) === 0x64 && at(1) === 0xff9b && zeros(2, 6)) return forbiddenV4(embedded, allowLoopback); // NAT64 64:ff9b::/96
  if (at(0) === 0x2002) return forbiddenV4(((at(1) << 16) | at(2)) >>> 0, false); // 6to4 carries an IPv4 too
  return zeros(0, 6) // :: unspecified and ::a.b.c.d (IPv4-compatible, deprecated)
    || (at(0) === 0x64 && at(1) === 0xff9b && at(2) === 1) // local-use NAT64 64:ff9b:1::/48
    || (at(0) === 0x100 && zeros(1, 4)) // discard-only 100::/64
    || (at(0) === 0x2001 && (at(1) === 0 || at(1) === 0xdb8)) // Teredo, documentation
    || (at(0) & 0xfe00) === 0xfc00 // unique-local fc00::/7 (fd00:ec2::254 is EC2's metadata)
    || (at(0) & 0xffc0) === 0xfe80 || (at(0) & 0xffc0) === 0xfec0 // link-local, site-local
    || (at(0) & 0xff00) === 0xff00; // multicast
}
