/**
 * Hostile inputs for the Call API egress policy (src/http/egress.ts), grouped, each with the code it must be
 * refused with. The base URL is BASE; policies override DEFAULT_POLICY.
 */
import type { EgressPolicy } from '../../src/http/egress.ts';

export const BASE = 'https://api.example.com/v1';

export type CorpusEntry =
  /** a workflow `path` given to buildTargetUrl(BASE, path, []) */
  | { group: string; kind: 'path'; path: string; code: string }
  /** a URL and method given to checkEgress under DEFAULT_POLICY + policy */
  | { group: string; kind: 'egress'; url: string; method: string; policy?: Overrides; code: string }
  /** workflow headers given to checkHeaders */
  | { group: string; kind: 'headers'; headers: [string, string][]; code: string }
  /** an address as a resolver or a URL may give it */
  | { group: string; kind: 'address'; ip: string; code: 'address_not_allowed' }
  /** a host name a stub resolver answers with these addresses */
  | { group: string; kind: 'resolve'; host: string; addresses: string[]; code: 'address_not_allowed' };

export const DEFAULT_POLICY: Omit<EgressPolicy, 'baseUrl'> = { allowedHosts: [], allowedMethods: [], allowedPaths: [], allowInsecureHttp: false };

const paths = (group: string, list: string[], code = 'path_refused'): CorpusEntry[] => list.map((path) => ({ group, kind: 'path', path, code }));

// `..` and `.` in every spelling a URL parser, a proxy or a lenient server may read as a dot segment
const DOT_DOTS = [
  '..', '.', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '.%2E', '%2E.', '%2e', '%2E', '%252e%252e', '%252E%252E', '.%252e',
  '%25252e%25252e', '%2525252e', '..;', '..;jsessionid=x', '.;', '%2e%2e;x=1', '．．', '．', '‥', '。。', '｡｡', '%EF%BC%8E%EF%BC%8E',
  '%E2%80%A5', '%c0%ae%c0%ae', '%C0%AE', '%e0%80%ae%e0%80%ae', '%c0%2e', '.. ', '..%20', '%20..', '...', '.\u200b.', '.%E2%80%8B.',
  '%u002e%u002e', '%%32%65%%32%65', '%25%32%65%25%32%65', '％２ｅ％２ｅ', '%EF%BC%85%32%65%EF%BC%85%32%65',
];
const dotPaths = DOT_DOTS.flatMap((d) => [`${d}/admin`, `users/${d}/admin`, `users/42/${d}`]);

const ENCODED_SLASHES = [
  'a%2fb', 'a%2Fb', 'a%252fb', 'a%25252Fb', 'a%5cb', 'a%5Cb', 'a%255cb', '..%2fadmin', '%2e%2e%2fadmin', '..%5cadmin',
  'a%ef%bc%8fb', 'a／b', 'a＼b', 'a％２ｆb', 'x;%2fadmin', '%2f%2fevil.test', 'users/42%2f..%2f..%2fadmin', 'a%C0%AFb',
];

const ABSOLUTE = [
  'https://evil.test/', 'http://evil.test', 'HTTPS://evil.test/x', 'hTtPs://evil.test', 'https:evil.test', 'https:/evil.test',
  'https:\\\\evil.test', 'javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'ftp://evil.test',
  'ws://evil.test', 'wss://evil.test', 'gopher://evil.test:70/_x', 'mailto:a@evil.test', 'view-source:https://evil.test',
  'blob:https://evil.test/x', 'dict://evil.test:11211/', 'ldap://evil.test', 'x-evil:payload',
];

const PROTOCOL_RELATIVE = ['//evil.test', '//evil.test/x', '///evil.test', '////evil.test', 'users//admin', 'users/42//', '//', '/\\evil.test', '/%2fevil.test', '/%5cevil.test'];

const USERINFO = [
  '@evil.test', '@evil.test/x', 'user@evil.test/x', ':@evil.test', 'a:b@evil.test', 'users/@evil.test', 'users@evil.test',
  'https://api.example.com@evil.test/', '%20@evil.test', 'users/x@y',
];

const BACKSLASHES = ['\\evil.test', '\\\\evil.test', 'users\\..\\admin', '..\\admin', 'a\\b', 'users/42\\'];

const CONTROLS = [
  'a\r\nHost: evil.test', 'a\nb', 'a\rb', 'a\u0000b', 'a\tb', 'a\u007fb', 'a\u001bb', 'users/42\r\n\r\nGET /admin',
  '%0d%0aHost:%20evil.test', 'a%00b', 'a%09b', 'a%0Ab', 'a%7Fb', 'a%250d%250ab',
];

const FRAGMENTS = ['a#b', '#', 'users/42#/../admin', 'users?x=1#frag', '#@evil.test'];

const MALFORMED = ['%', 'a%', 'a%2', '%zz', '%g0', 'a%%b', '%u2215', 'a'.repeat(5000)];

const PATHS: CorpusEntry[] = [
  ...paths('dot segments, every encoding', dotPaths),
  ...paths('encoded slashes and backslashes', ENCODED_SLASHES),
  ...paths('absolute URLs and schemes', ABSOLUTE),
  ...paths('protocol-relative and empty segments', PROTOCOL_RELATIVE),
  ...paths('@ userinfo tricks', USERINFO),
  ...paths('backslashes', BACKSLASHES),
  ...paths('control characters', CONTROLS),
  ...paths('fragments', FRAGMENTS),
  ...paths('malformed or oversize', MALFORMED),
];

const url = (p: string): string => `${BASE}/${p}`;
type Overrides = Partial<Omit<EgressPolicy, 'baseUrl'>>;
const egress = (group: string, code: string, list: [string, string, Overrides | undefined][]): CorpusEntry[] =>
  list.map(([u, method, policy]) => ({ group, kind: 'egress', url: u, method, ...(policy ? { policy } : {}), code }));

const READ_ONLY = { allowedMethods: ['GET', 'HEAD'] };
const METHODS = egress('methods outside allowed_methods, and weird methods', 'method_not_allowed', [
  ...['TRACE', 'TRACK', 'CONNECT', 'OPTIONS', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'PURGE', 'DEBUG', 'QUERY', 'SEARCH', 'LINK']
    .map((m): [string, string, undefined] => [url('x'), m, undefined]),
  ...['', ' GET', 'GET ', 'G ET', 'GET\r\n', 'GET\u0000', 'GET /admin HTTP/1.1\r\nX:', 'poſt', 'ɢᴇᴛ', 'GΕT', 'DELET', 'GETT', 'get;', 'X'.repeat(17)]
    .map((m): [string, string, undefined] => [url('x'), m, undefined]),
  [url('x'), 'POST', READ_ONLY], [url('x'), 'post', READ_ONLY], [url('x'), 'DELETE', READ_ONLY], [url('x'), 'PUT', READ_ONLY],
  [url('x'), 'PATCH', READ_ONLY], [url('x'), 'TRACE', { allowedMethods: ['TRACE'] }], [url('x'), 'OPTIONS', { allowedMethods: ['OPTIONS', 'GET'] }],
]);

const SCOPED = { allowedPaths: ['users/*/posts', 'public', 'reports/2024-*'] };
const PATH_SCOPE = egress('paths outside allowed_paths (`*` is one segment)', 'path_not_allowed', [
  ...['users/1/2/posts', 'users/posts', 'users/1/postsx', 'users/1/post', 'publicx', 'public-admin', 'pub', 'Public', 'PUBLIC',
    'admin', 'reports/2023-01', 'reports/x2024-01', 'reports', 'users', '', 'users/1', 'p%75blicx', 'public%2Dadmin']
    .map((p): [string, string, typeof SCOPED] => [url(p), 'GET', SCOPED]),
  ...['https://api.example.com/v2/public', 'https://api.example.com/v10/public', 'https://api.example.com/public', 'https://api.example.com/v1public', 'https://api.example.com/']
    .map((u): [string, string, undefined] => [u, 'GET', undefined]),
]);

const WILDCARD = { allowedHosts: ['*.example.com'] };
const HOSTS = egress('hosts outside allowed_hosts', 'host_not_allowed', [
  ...['api.example.com.evil.test', 'evil.test', 'apiexample.com', 'api.example.co', 'api.example.com.', 'xapi.example.com',
    'api-example.com', 'example.com', 'sub.api.example.com', 'api.example.com:444', 'api.example.com:8443', '93.184.216.34',
    'xn--pi-8kc.example.com', 'аpi.example.com', 'api.example.com%2eevil.test', 'api.exam%70le.com.evil.test', 'api.example.com.evil.test:443',
    '[::1]', '127.0.0.1', 'localhost', '[::ffff:93.184.216.34]']
    .map((h): [string, string, undefined] => [`https://${h}/v1/x`, 'GET', undefined]),
  ...['example.com', 'a.b.example.com', 'evil-example.com', 'example.com.evil.test', 'xexample.com', 'evil.test', 'a.example.com.', 'a_b.example.com']
    .map((h): [string, string, typeof WILDCARD] => [`https://${h}/v1/x`, 'GET', WILDCARD]),
  ['https://api.example.com/v1/x', 'GET', { allowedHosts: ['*.com'] }], ['https://api.example.com/v1/x', 'GET', { allowedHosts: ['*'] }],
  ['https://api.example.com/v1/x', 'GET', { allowedHosts: ['api.example.com/v1'] }], ['https://api.example.com/v1/x', 'GET', { allowedHosts: ['user@api.example.com'] }],
  ['https://api.example.com/v1/x', 'GET', { allowedHosts: ['other.example.com'] }], ['https://api.example.com/v1/x', 'GET', { allowedHosts: ['api.example.com:8443'] }],
]);

const SCHEMES = [
  ...egress('plain http and other schemes', 'insecure_url', [
    ['http://api.example.com/v1/x', 'GET', undefined], ['http://api.example.com/v1/x', 'GET', { allowInsecureHttp: true }],
    ['http://127.0.0.1/v1/x', 'GET', undefined], ['ftp://api.example.com/v1/x', 'GET', undefined], ['ws://api.example.com/v1/x', 'GET', undefined],
    ['file:///etc/passwd', 'GET', undefined], ['http://10.0.0.1/v1/x', 'GET', { allowInsecureHttp: true }],
  ]),
  ...egress('credentials, fragments and hidden dot segments in a redirect URL', 'path_refused', [
    ['https://user:pw@api.example.com/v1/x', 'GET', undefined], ['https://user@api.example.com/v1/x', 'GET', undefined],
    ['https://api.example.com/v1/x#frag', 'GET', undefined], ['https://api.example.com/v1/%252e%252e/admin', 'GET', undefined],
    ['https://api.example.com/v1/a%2fb', 'GET', undefined], ['https://api.example.com/v1/..;/admin', 'GET', undefined],
    ['https://api.example.com/v1//admin', 'GET', undefined], ['https://api.example.com/v1/%c0%ae%c0%ae/admin', 'GET', undefined],
  ]),
];

/** a value that must never appear in a message */
const VALUE = 's3cr3t-v4lue';
const h = (group: string, code: string, list: [string, string][]): CorpusEntry[] => list.map((pair) => ({ group, kind: 'headers', headers: [pair], code }));
const HEADERS: CorpusEntry[] = [
  ...h('header names that are not RFC 9110 tokens', 'header_invalid', [
    'X Foo', 'X-Foo:', 'X-Foo\r\nHost: evil.test', 'X-Foo\n', 'X-Foo\u0000', '', ' X-Foo', 'X-Foo ', '(x)', 'x"y', 'x,y', 'x;y', 'x/y',
    'x=y', 'x@y', 'x[y]', 'x{y}', 'x?', 'ü-header', 'x\ty', ':authority', ':path', 'x\u200by', 'X'.repeat(257),
  ].map((n): [string, string] => [n, VALUE])),
  ...h('header values with CR, LF, NUL and other controls', 'header_invalid', [
    'a\r\nHost: evil.test', 'a\nb', 'a\rb', 'a\u0000b', '\r\n\r\nGET /admin HTTP/1.1', 'a\u000bb', 'a\u000cb', 'a\u007fb', 'a\u001bb',
    'a\u2028b', 'a\u0100b', 'emoji 😀', 'a'.repeat(8193),
  ].map((v): [string, string] => ['X-Note', v])),
  ...h('hop-by-hop and framing headers', 'header_not_allowed', [
    'Host', 'HOST', 'host', 'Content-Length', 'content-length', 'Transfer-Encoding', 'Connection', 'Keep-Alive', 'Upgrade', 'TE', 'Trailer',
    'Expect', 'HTTP2-Settings', 'Proxy-Authorization', 'Proxy-Connection', 'proxy-anything',
  ].map((n): [string, string] => [n, VALUE])),
  ...h('credentials the signer owns', 'header_not_allowed', ['Authorization', 'AUTHORIZATION', 'Cookie', 'DPoP'].map((n): [string, string] => [n, VALUE])),
  ...h('method and path overrides', 'header_not_allowed', [
    'X-HTTP-Method-Override', 'x-http-method', 'X-Method-Override', 'X-Original-URL', 'X-Rewrite-URL', 'X-Forwarded-Host',
  ].map((n): [string, string] => [n, 'DELETE'])),
  { group: 'duplicates and too many', kind: 'headers', headers: [['X-A', '1'], ['x-a', '2']], code: 'header_invalid' },
  { group: 'duplicates and too many', kind: 'headers', headers: Array.from({ length: 65 }, (_, i): [string, string] => [`X-H${i}`, VALUE]), code: 'header_invalid' },
];

const addresses = (group: string, list: string[]): CorpusEntry[] => list.map((ip) => ({ group, kind: 'address', ip, code: 'address_not_allowed' }));
const ADDRESSES: CorpusEntry[] = [
  ...addresses('loopback in every notation', [
    '127.0.0.1', '127.1', '127.0.1', '2130706433', '0x7f000001', '0x7f.1', '0x7F.0.0.1', '0177.0.0.1', '0177.1', '017700000001',
    '127.255.255.254', '127.000.000.001', '::1', '0:0:0:0:0:0:0:1', '[::1]', '::ffff:127.0.0.1', '[::ffff:127.0.0.1]', '::ffff:7f00:1',
    '0:0:0:0:0:ffff:7f00:1', '::127.0.0.1', '::ffff:0:127.0.0.1', '64:ff9b::127.0.0.1', '2002:7f00:1::',
  ]),
  ...addresses('unspecified, this-network, broadcast, multicast, reserved', [
    '0.0.0.0', '0', '0x0', '0.1.2.3', '::', '0:0:0:0:0:0:0:0', '255.255.255.255', '4294967295', '224.0.0.1', '239.255.255.250', '240.0.0.1',
    'ff02::1', 'ff05::1:3', '198.18.0.1', '192.0.0.170', '192.0.2.1', '198.51.100.7', '203.0.113.9', '192.88.99.1', '100::1', '2001:db8::1',
  ]),
  ...addresses('private, shared and link-local IPv4 (incl. cloud metadata)', [
    '10.0.0.1', '10.1', '167772161', '0xa.0.0.1', '012.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '0xac100001',
    '192.168.1.1', '3232235777', '0xc0a80101', '0300.0250.1.1', '192.168.257', '100.64.0.1', '100.127.255.255',
    '169.254.169.254', '2852039166', '0xa9fea9fe', '0251.0376.0251.0376', '169.254.43518', '169.254.0.1',
  ]),
  ...addresses('private IPv6, mapped, NAT64, 6to4, Teredo', [
    'fd00:ec2::254', '[fd00:ec2::254]', 'fc00::1', 'fdff:ffff::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1',
    '::ffff:10.0.0.1', '[::ffff:10.0.0.1]', '::ffff:a00:1', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '::ffff:192.168.0.1',
    '::ffff:0:10.0.0.1', '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::1', '2002:a9fe:a9fe::', '2002:c0a8:101::1', '2001::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2', '::10.0.0.1',
  ]),
  ...addresses('not an address at all (refused, never guessed)', ['', 'localhost', 'metadata.google.internal', '1.2.3.4.5', '::g', '[::1', '08.0.0.1']),
];

const resolve = (host: string, ...addrs: string[]): CorpusEntry => ({ group: 'names resolving to forbidden addresses', kind: 'resolve', host, addresses: addrs, code: 'address_not_allowed' });
const RESOLVED: CorpusEntry[] = [
  resolve('metadata.google.internal', '169.254.169.254'), resolve('metadata', '169.254.169.254'),
  resolve('instance-data.ec2.internal', '169.254.169.254'), resolve('metadata.azure.internal', '169.254.169.254'),
  resolve('v6-metadata.example', 'fd00:ec2::254'), resolve('localtest.me', '127.0.0.1'), resolve('10.0.0.1.nip.io', '10.0.0.1'),
  resolve('internal.example', '10.0.0.1'), resolve('mapped.example', '::ffff:169.254.169.254'), resolve('zero.example', '0.0.0.0'),
  resolve('one-bad-of-two.example', '93.184.216.34', '10.0.0.1'), resolve('ipv6-first.example', 'fe80::1', '93.184.216.34'),
  resolve('cgnat.example', '100.64.1.1'), resolve('nat64-private.example', '64:ff9b::a00:1'),
];

export const CORPUS: CorpusEntry[] = [...PATHS, ...METHODS, ...PATH_SCOPE, ...HOSTS, ...SCHEMES, ...HEADERS, ...ADDRESSES, ...RESOLVED];
