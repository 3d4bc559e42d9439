/**
 * src/sign/sigv4 agrees with two independent SigV4 signers, @smithy/signature-v4 (the AWS SDK's, hashing with
 * @aws-crypto/sha256-js) and aws4, on the same inputs and a fixed date: identical signatures.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import aws4 from 'aws4';
import { describe, expect, it } from 'vitest';
import { signSigV4, type SigV4Credentials, type SigV4Options, type SigV4Result } from '../src/sign/sigv4.ts';

const date = new Date('2024-05-17T08:09:10.123Z');
const amzDate = '20240517T080910Z';
const creds: SigV4Credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const temporary: SigV4Credentials = { ...creds, sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/slashes==' };

interface Case {
  name: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  region: string;
  service: string;
  creds?: SigV4Credentials;
  opts?: Partial<SigV4Options>;
  /** Path as the AWS SDK's S3 serializer writes it (it escapes keys before signing; smithy signs S3 paths as given). */
  sdkPath?: string;
}

const ours = (c: Case, extra: Partial<SigV4Options> = {}): SigV4Result =>
  signSigV4(
    { method: c.method, url: new URL(c.url), headers: c.headers ?? {}, body: c.body ?? '' },
    c.creds ?? creds,
    { region: c.region, service: c.service, date, ...c.opts, ...extra },
  );

const isS3 = (c: Case) => c.service === 's3';

/** The same request as @smithy/protocol-http's HttpRequest: decoded query (repeats as arrays), explicit host header. */
function smithyRequest(c: Case) {
  const url = new URL(c.url);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : [prev, v].flat();
  }
  const headers = { host: url.host, ...c.headers };
  return { method: c.method, protocol: url.protocol, hostname: url.hostname, path: c.sdkPath ?? url.pathname, query, headers, ...(c.body === undefined ? {} : { body: c.body }) };
}

const smithy = (c: Case, applyChecksum = false) =>
  new SignatureV4({ service: c.service, region: c.region, credentials: c.creds ?? creds, sha256: Sha256, uriEscapePath: !isS3(c), applyChecksum });

/** aws4 dates the request from an X-Amz-Date header (header form) or query parameter (presigned). */
function viaAws4(c: Case, signQuery = false, expiresIn = 3600) {
  const url = new URL(c.url);
  const extra = signQuery ? `${url.search ? '&' : '?'}X-Amz-Expires=${expiresIn}&X-Amz-Date=${amzDate}` : '';
  const headers = signQuery ? { ...c.headers } : { ...c.headers, 'X-Amz-Date': amzDate };
  const k = c.creds ?? creds;
  const signed = aws4.sign(
    { host: url.host, path: url.pathname + url.search + extra, method: c.method, headers, service: c.service, region: c.region, signQuery, ...(c.body === undefined ? {} : { body: c.body }) },
    { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, ...(k.sessionToken ? { sessionToken: k.sessionToken } : {}) },
  );
  return { authorization: String(signed.headers?.Authorization ?? ''), query: new URLSearchParams((signed.path ?? '').split('?')[1]) };
}

const sortedParams = (p: URLSearchParams) => [...p].sort();

const json = '{"name":"Zoë","items":[1,2,3]}';
const headerCases: Case[] = [
  {
    name: 'GET with a query (repeated, encoded, astral and reserved characters)',
    method: 'GET',
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items?limit=10&tag=x&tag=a&next=a%20b&emoji=%F0%9F%98%80&q=c%26d%3De&star=*',
    region: 'eu-west-1',
    service: 'execute-api',
  },
  {
    name: 'query keys percent-encoded, raw UTF-8 and without a value',
    method: 'GET',
    url: 'https://example.amazonaws.com/?Param-3=Value3&Param=Value2&%e1%88%b4=Value1&ሴሴ=x&Empty',
    region: 'us-east-1',
    service: 'service',
  },
  {
    name: 'POST with a JSON body',
    method: 'POST',
    url: 'https://lambda.us-west-2.amazonaws.com/2015-03-31/functions/my-fn/invocations',
    headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(json)), 'X-Amz-Invocation-Type': 'Event' },
    body: json,
    region: 'us-west-2',
    service: 'lambda',
  },
  {
    name: 'S3 GET, unsigned payload, session token',
    method: 'GET',
    url: 'https://my-bucket.s3.eu-central-1.amazonaws.com/photos/2024/my photo (1).jpg?versionId=3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
    // smithy and aws4 take the payload hash from this header
    headers: { Range: 'bytes=0-99', 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    region: 'eu-central-1',
    service: 's3',
    creds: temporary,
    opts: { unsignedPayload: true },
    sdkPath: '/photos/2024/my%20photo%20%281%29.jpg',
  },
  {
    name: 'non-ASCII path (double-encoded outside S3)',
    method: 'GET',
    url: 'https://api.example.com/stage/café/ሴ/x y',
    region: 'ap-southeast-2',
    service: 'execute-api',
  },
  {
    name: 'header values trimmed and whitespace runs collapsed, names lower-cased',
    method: 'DELETE',
    url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/my-queue',
    headers: { 'My-Header2': '  "a   b   c"  ', 'my-header1': 'value1 ', 'X-Amz-Target': 'AmazonSQS.DeleteQueue' },
    region: 'eu-west-1',
    service: 'sqs',
  },
];

describe('SigV4: the same Authorization header as @smithy/signature-v4 and aws4', () => {
  it.each(headerCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const mine = ours(c);
    const theirs = await smithy(c).sign(smithyRequest(c), { signingDate: date });
    expect(mine.headers.authorization).toBe(theirs.headers.authorization);
    // aws4 alone leaves Range unsigned: its S3 check below sends none
    if (!c.headers?.Range) expect(mine.headers.authorization).toBe(viaAws4(c).authorization);
  });

  it('S3 GET, unsigned payload, session token: aws4 too (without Range, which aws4 does not sign)', () => {
    const c = headerCases.find((h) => h.service === 's3')!;
    const plain = { ...c, headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } };
    expect(ours(plain).headers.authorization).toBe(viaAws4(plain).authorization);
  });

  it('x-amz-content-sha256 sent and signed on request, as smithy does with applyChecksum', async () => {
    const c = headerCases[2]!;
    const mine = ours(c, { contentSha256: true });
    const theirs = await smithy(c, true).sign(smithyRequest(c), { signingDate: date });
    expect(mine.headers['x-amz-content-sha256']).toBe(theirs.headers['x-amz-content-sha256']);
    expect(mine.headers.authorization).toBe(theirs.headers.authorization);
  });

  it.each([
    ['sqs', 'eu-west-1'],
    ['dynamodb', 'us-east-2'],
    ['es', 'ap-northeast-1'],
    ['execute-api', 'sa-east-1'],
    ['s3', 'us-west-1'],
    ['monitoring', 'cn-north-1'],
  ])('service %s in %s, path with dot segments and repeated slashes', async (service, region) => {
    const c: Case = { name: service, method: 'PUT', url: `https://h.example.com/a/./b/../c//d/?x=1`, headers: { 'Content-Type': 'text/plain', 'Content-Length': '5' }, body: 'hello', region, service, creds: temporary };
    const mine = ours(c);
    expect(mine.headers.authorization).toBe((await smithy(c, isS3(c)).sign(smithyRequest(c), { signingDate: date })).headers.authorization);
    expect(mine.headers.authorization).toBe(viaAws4(c).authorization);
  });
});

describe('SigV4: the same presigned URL as @smithy/signature-v4 and aws4', () => {
  it('S3 GET with a session token, 15 minutes, unsigned payload', async () => {
    const c: Case = { name: 's3', method: 'GET', url: 'https://my-bucket.s3.us-west-2.amazonaws.com/reports/q1.csv?response-content-disposition=attachment', region: 'us-west-2', service: 's3', creds: temporary };
    const mine = ours(c, { signQuery: true, expiresIn: 900 });
    // the presigner's way: UNSIGNED-PAYLOAD as the hash, carried in no signed header and no query parameter
    const sha = new Set(['x-amz-content-sha256']);
    const req = { ...smithyRequest(c), headers: { ...smithyRequest(c).headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } };
    const theirs = await smithy(c).presign(req, { signingDate: date, expiresIn: 900, unhoistableHeaders: sha, unsignableHeaders: sha });
    expect(sortedParams(mine.url.searchParams)).toEqual(sortedParams(new URLSearchParams(theirs.query as Record<string, string>)));
    expect(sortedParams(mine.url.searchParams)).toEqual(sortedParams(viaAws4(c, true, 900).query));
    expect(mine.headers.authorization).toBeUndefined();
  });

  it('STS GetCallerIdentity, body hash of the empty payload, two signed headers', async () => {
    const c: Case = { name: 'sts', method: 'GET', url: 'https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15', headers: { 'X-K8s-Aws-Id': 'my-cluster' }, region: 'us-east-1', service: 'sts' };
    const mine = ours(c, { signQuery: true, expiresIn: 60 });
    const theirs = await smithy(c).presign(smithyRequest(c), { signingDate: date, expiresIn: 60 });
    expect(mine.url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(sortedParams(mine.url.searchParams)).toEqual(sortedParams(new URLSearchParams(theirs.query as Record<string, string>)));
    expect(sortedParams(mine.url.searchParams)).toEqual(sortedParams(viaAws4(c, true, 60).query));
  });
});

describe('SigV4: what changes the signature, and what reaches the wire', () => {
  const c = headerCases[2]!;
  const base = ours(c).signature;

  it('a changed header value, body, secret, date, region or service changes the signature', () => {
    const alter = (patch: Partial<Case>, opts: Partial<SigV4Options> = {}) => ours({ ...c, ...patch }, opts).signature;
    expect(alter({})).toBe(base);
    expect(alter({ headers: { ...c.headers, 'X-Amz-Invocation-Type': 'RequestResponse' } })).not.toBe(base);
    expect(alter({ body: json.replace('Zoë', 'Zoe') })).not.toBe(base);
    expect(alter({ creds: { ...creds, secretAccessKey: `${creds.secretAccessKey}x` } })).not.toBe(base); // the key cache tells secrets apart
    expect(alter({}, { date: new Date(date.getTime() + 1000) })).not.toBe(base);
    expect(alter({ region: 'us-west-1' })).not.toBe(base);
    expect(alter({ service: 'lambdax' })).not.toBe(base);
  });

  it('an unsigned payload leaves the body out, and nothing else', () => {
    expect(ours({ ...c, body: 'other' }, { unsignedPayload: true }).signature).toBe(ours(c, { unsignedPayload: true }).signature);
    expect(ours(c, { unsignedPayload: true }).canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD')).toBe(true);
  });

  it('headers SigV4 ignores (hop-by-hop, user-agent) are sent but not signed', () => {
    const res = ours({ ...c, headers: { ...c.headers, 'User-Agent': 'x', Connection: 'keep-alive' } });
    expect(res.signature).toBe(base);
    expect(res.headers['user-agent']).toBe('x');
  });

  it('the URL to send carries the query as signed: %20 for spaces, bare keys kept bare', () => {
    const res = ours({ ...headerCases[0]!, url: 'https://h.example.com/p?b=x+y&acl&a=1' });
    expect(res.url.search).toBe('?a=1&acl&b=x%20y');
    expect(res.canonicalRequest.split('\n')[2]).toBe('a=1&acl=&b=x%20y');
  });

  it('a token omitted from the signature still travels (header and query)', () => {
    const h = ours({ ...c, creds: temporary }, { omitSessionToken: true });
    expect(h.headers['x-amz-security-token']).toBe(temporary.sessionToken);
    expect(h.canonicalRequest).not.toContain('x-amz-security-token');
    const q = ours({ ...c, creds: temporary }, { omitSessionToken: true, signQuery: true });
    expect(q.url.searchParams.get('X-Amz-Security-Token')).toBe(temporary.sessionToken);
    expect(q.canonicalRequest).not.toContain('X-Amz-Security-Token');
  });

  it('refuses a presigned lifetime AWS would reject', () => {
    for (const expiresIn of [0, -1, 1.5, 604_801]) expect(() => ours(c, { signQuery: true, expiresIn })).toThrow(RangeError);
    expect(ours(c, { signQuery: true, expiresIn: 604_800 }).url.searchParams.get('X-Amz-Expires')).toBe('604800');
  });
});
