/**
 * Egress policy for Call API (DESIGN §3, §5 item 4): which URL, method and headers a workflow may send. Pure, no I/O.
 * The path and headers come from workflow fields (untrusted); the base URL and the allow-lists from the connection.
 * Every refusal has its own code and names the rule it broke, never the value.
 */
import { isIP } from 'node:net';
import { ConfigError, InputError } from '../errors.ts';
import { isLoopbackHost } from '../config/urls.ts';
import { HTTP_TOKEN } from './field-syntax.ts';

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

/** Checks on the raw path, query included; the segments are checked after these. */
const PATH_RULES: [RegExp, string][] = [
  [CONTROL, 'has a control character'],
  [/#/, 'has a #fragment'],
  [/^[a-z][a-z0-9+.-]*:/i, 'is an absolute URL'],
  // `@` is harmless after a fixed authority, but refused so no later parser can take it for userinfo (%40 passes;
  // so does an @ in the query)
  [/^[^?]*@/, 'has an @ (write %40)'],
];

/** Checks on each path segment, at every level of percent-decoding. */
const SEGMENT_RULES: [RegExp, string][] = [
  // dots and spaces only, also before a `;param` (Tomcat reads `..;x` as `..`)
  [/^[.\s]*\.[.\s]*(;|$)/, 'has a . or .. segment'],
  // a raw \ is a / to WHATWG URL parsers; a / or \ that appears once decoded hides a segment boundary
  [/[/\\]/, 'has a \\ or an encoded / or \\'],
  [CONTROL, 'has a control character'],
];

/** base + path (+ the path's own ?query, then `query`), refused when it could leave the base. */
export function buildTargetUrl(base: string, path: string, query: [string, string][]): URL {
  const baseUrl = new URL(base);
  if (path.length > MAX_PATH) refusePath(`is over ${MAX_PATH} characters`);
  for (const [re, why] of PATH_RULES) if (re.test(path)) refusePath(why);
  const rawPath = path.replace(/\?.*/s, '');
  const rel = rawPath.replace(/^\//, '');
  checkSegments(rel);
  const url = new URL(rel ? `${baseUrl.origin}${dirPath(baseUrl.pathname)}${rel}` : baseUrl.href);
  url.search = [baseUrl.search.slice(1), path.slice(rawPath.length + 1), new URLSearchParams(query).toString()].filter(Boolean).join('&');
  // the checks above leave no way out of the base (authority fixed, no dot segment); checkEgress, run on every
  // request sent, checks the origin and the base path again
  return url;
}

/** Checks one request against the connection's policy; returns the method, upper-cased. */
export function checkEgress(url: URL, method: string, policy: EgressPolicy): string {
  const base = policy.baseUrl;
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && policy.allowInsecureHttp && isLoopbackHost(url.hostname));
  if (!secure) throw new ConfigError('insecure_url', 'Call API URLs must be https (http: loopback only, with allow_insecure_http)');
  if (url.username || url.password || url.hash) refusePath('carries credentials or a #fragment');
  const hosts = policy.allowedHosts.length ? policy.allowedHosts : [base.host];
  if (!hosts.some((entry) => hostMatches(entry, url, base))) throw new InputError('host_not_allowed', 'The host is not in allowed_hosts');
  const m = checkMethod(method, policy.allowedMethods);
  checkSegments(url.pathname.slice(1));
  if (!underBase(url, base)) throw new InputError('path_not_allowed', 'The path is outside the API base URL');
  const segments = url.pathname.slice(dirPath(base.pathname).length).split('/').map(decodeEscapes);
  if (policy.allowedPaths.length && !policy.allowedPaths.some((p) => pathMatches(p, segments))) {
    throw new InputError('path_not_allowed', 'The path is not in allowed_paths');
  }
  return m;
}

function checkMethod(method: string, allowedMethods: string[]): string {
  // ASCII letters only before upper-casing: 'poſt'.toUpperCase() is 'POST'
  const m = /^[A-Za-z]+$/.test(method) ? method.toUpperCase() : '';
  const allowed = allowedMethods.length ? allowedMethods.map((a) => a.toUpperCase()) : DEFAULT_METHODS;
  if (!DEFAULT_METHODS.includes(m) || !allowed.includes(m)) {
    throw new InputError('method_not_allowed', 'The method is not in allowed_methods (at most GET HEAD POST PUT PATCH DELETE)');
  }
  return m;
}

/** No stray %, no empty segment but a trailing one; each segment passes SEGMENT_RULES. */
function checkSegments(rel: string): void {
  if (/%(?![0-9a-f]{2})/i.test(rel)) refusePath('has a % that starts no %XX escape');
  if (/^\/|\/\//.test(rel)) refusePath('has an empty segment (//)');
  for (const s of rel.split('/')) checkSegment(s);
}

function checkSegment(v: string, depth = 0): void {
  // what lenient servers may also see: NFKC (．→ .), ideographic stops, no invisible characters
  const norm = v.normalize('NFKC').replace(/[\u3002\uff61]/g, '.').replace(/[\u00ad\u200b-\u200f\u2060\ufeff]/g, '');
  for (const [re, why] of SEGMENT_RULES) if (re.test(norm)) refusePath(why);
  if (!/%[0-9a-f]{2}/i.test(norm)) return;
  if (depth === 3) refusePath('is percent-encoded more than 3 times');
  checkSegment(decodeEscapes(norm), depth + 1);
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

/** An allowed_paths entry is a prefix of whole segments; `*` matches within one segment, never across `/`. */
function pathMatches(pattern: string, segments: string[]): boolean {
  return pattern.split('/').filter(Boolean).every((p, i) => {
    const s = segments[i];
    return !!s && new RegExp(`^${p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`).test(s);
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

/** Headers a workflow may not set, and why. */
const REFUSED_HEADERS: [RegExp, string][] = [
  [/^(host|content-length|transfer-encoding|connection|keep-alive|upgrade|te|trailer|expect|http2-settings)$/, 'is set by the HTTP client'],
  // credentials come from the connection's signer only: a workflow field would bypass sealing and could override it
  [/^(authorization|cookie|dpop)$/, 'is set by the signing mode'],
  // widely honoured overrides that would re-route or re-type a request past allowed_methods / allowed_paths
  [/^x-(http-method-override|http-method|method-override|original-url|rewrite-url|forwarded-host)$/, 'overrides the method or path'],
  [/^proxy-/, 'is for proxies'],
];

/** The workflow's headers, checked; names lower-cased. */
export function checkHeaders(headers: [string, string][]): Record<string, string> {
  if (headers.length > 64) throw new InputError('header_invalid', 'More than 64 headers');
  const out = new Map<string, string>();
  for (const [name, value] of headers) {
    if (name.length > 256 || !HTTP_TOKEN.test(name)) throw new InputError('header_invalid', 'A header name is not an HTTP token');
    const n = name.toLowerCase();
    if (value.length > 8192 || /[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw new InputError('header_invalid', `Header ${n}: value over 8 KB or with a control or non-Latin-1 character`);
    }
    const why = REFUSED_HEADERS.find(([re]) => re.test(n))?.[1];
    if (why) throw new InputError('header_not_allowed', `Header ${n} ${why}`);
    if (out.has(n)) throw new InputError('header_invalid', `Header ${n} is given twice`);
    out.set(n, value);
  }
  return Object.fromEntries(out); // own properties, so `__proto__` and `constructor` are plain names
}

/** Throws unless `ip` is a public unicast address (loopback passes when allowed). */
export function checkAddress(ip: string, allowLoopback: boolean): void {
  if (isForbiddenAddress(ip, allowLoopback)) {
    throw new InputError('address_not_allowed', 'The API host is (or resolves to) a non-public address');
  }
}

/** True for any address an API call must not reach, and for anything that is not an IP address at all. */
export function isForbiddenAddress(ip: string, allowLoopback = false): boolean {
  const a = parseAddress(ip);
  return a === undefined || forbidden(a, allowLoopback);
}

/** IPv4 as the mapped ::ffff:a.b.c.d: one table covers both families, and a mapped address is judged as its IPv4. */
const MAPPED = 0xffff_0000_0000n;
const IPV4_BITS = 0xffff_ffffn;
type Block = [net: bigint, shift: bigint];

/**
 * An IP address as 128 bits; undefined for anything else. The URL parser reads IPv4 as inet_aton and connections
 * do (1–4 parts, each decimal, 0-octal or 0x-hex) and writes IPv6 as hex groups only (::ffff:7f00:1).
 */
function parseAddress(ip: string): bigint | undefined {
  const s = ip.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // brackets, then a zone id (fe80::1%eth0)
  if (!/^[0-9a-fx.:]+$/i.test(s)) return undefined; // nothing the URL parser would drop or read as a path
  let host: string;
  try {
    host = new URL(`http://${s.includes(':') ? `[${s}]` : s}`).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
  // 0xffff, then the four octets: ::ffff:a.b.c.d
  if (isIP(host) === 4) return host.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0xffffn);
  if (isIP(host) !== 6) return undefined;
  // `::` stands for the zero groups between its head and its tail
  const [head = [], tail] = host.split('::').map((p) => (p ? p.split(':') : []));
  const bits = (groups: string[]): bigint => groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
  return tail ? (bits(head) << BigInt(16 * (8 - head.length))) | bits(tail) : bits(head);
}

/** `a.b.c.d/n` (as ::ffff:a.b.c.d/96+n) or `x::/n` */
function block(cidr: string): Block {
  const [net = '', bits = ''] = cidr.split('/');
  return [parseAddress(net) ?? 0n, BigInt(128 - Number(bits) - (net.includes(':') ? 0 : 96))];
}
const inBlock = (a: bigint, [net, shift]: Block): boolean => (a ^ net) >> shift === 0n;

const LOOPBACK = ['::1/128', '127.0.0.0/8'].map(block);
// IPv4 carried inside IPv6: SIIT ::ffff:0:a.b.c.d and NAT64 64:ff9b::a.b.c.d in the last 32 bits, 6to4 in bits 16–47
const EMBEDDED_LOW = ['::ffff:0:0:0/96', '64:ff9b::/96'].map(block);
const SIX_TO_FOUR = block('2002::/16');
const FORBIDDEN = [
  // IPv4: this network, private, shared (CGNAT), link-local (cloud metadata), IETF protocol, documentation,
  // 6to4 relay anycast, benchmarking, and 224/3 = multicast, reserved 240/4 and broadcast
  ...'0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.0.2.0/24 192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/3'.split(' '),
  // IPv6: :: and ::a.b.c.d (IPv4-compatible, deprecated), local-use NAT64, discard-only, Teredo, documentation,
  // unique-local (fd00:ec2::254 is EC2's metadata), link-local, site-local, multicast
  ...'::/96 64:ff9b:1::/48 100::/64 2001::/32 2001:db8::/32 fc00::/7 fe80::/10 fec0::/10 ff00::/8'.split(' '),
].map(block);

function forbidden(a: bigint, allowLoopback: boolean): boolean {
  if (LOOPBACK.some((b) => inBlock(a, b))) return !allowLoopback;
  if (EMBEDDED_LOW.some((b) => inBlock(a, b))) return forbidden(MAPPED | (a & IPV4_BITS), allowLoopback);
  if (inBlock(a, SIX_TO_FOUR)) return forbidden(MAPPED | ((a >> 80n) & IPV4_BITS), false);
  return FORBIDDEN.some((b) => inBlock(a, b));
}
