/**
 * An independent RFC 9421 verifier over a request as a server receives it: its own RFC 8941 structured-field parser,
 * its own component derivation, node:crypto to verify. Copied from test/http-signature.test.ts (which keeps its own).
 */
import { constants, createHash, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { SigAlg } from '../../src/sign/http-signature.ts';

export interface Received { method: string; scheme: string; target: string; headers: [string, string][]; body?: Uint8Array | string }
type Bare = string | number | boolean | Uint8Array | { token: string };
interface Item { value: Bare; params: [string, Bare][] }
interface InnerList { items: Item[]; params: [string, Bare][] }

/** RFC 8941 §4.2, only what Signature-Input and Signature use: a dictionary of inner lists or items, with parameters. */
export function parseDictionary(text: string): Map<string, Item | InnerList> {
  let i = 0;
  const fail = (): never => { throw new Error(`bad structured field at ${i}: ${text}`); };
  const skip = (re: RegExp) => { while (i < text.length && re.test(text[i]!)) i++; };
  const take = (re: RegExp): string => { const m = re.exec(text.slice(i)); if (!m) fail(); i += m![0].length; return m![0]; };
  const key = () => take(/^[a-z*][a-z0-9_\-.*]*/);
  const bare = (): Bare => {
    const c = text[i];
    if (c === '"') {
      let s = '';
      for (i++; text[i] !== '"'; i++) {
        if (i >= text.length) fail();
        if (text[i] === '\\') i++;
        s += text[i];
      }
      i++;
      return s;
    }
    if (c === ':') return Buffer.from(take(/^:[A-Za-z0-9+/=]*:/).slice(1, -1), 'base64');
    if (c === '?') return take(/^\?[01]/) === '?1';
    if (c && /[-0-9]/.test(c)) return Number(take(/^-?\d{1,15}/));
    return { token: take(/^[A-Za-z*][!#$%&'*+\-.^_`|~:/A-Za-z0-9]*/) };
  };
  const params = (): [string, Bare][] => {
    const out: [string, Bare][] = [];
    while (text[i] === ';') {
      i++;
      skip(/ /);
      const k = key();
      out.push([k, text[i] === '=' ? (i++, bare()) : true]);
    }
    return out;
  };
  const member = (): Item | InnerList => {
    if (text[i] !== '(') return { value: bare(), params: params() };
    i++;
    const items: Item[] = [];
    for (skip(/ /); text[i] !== ')'; skip(/ /)) {
      if (i >= text.length) fail();
      items.push({ value: bare(), params: params() });
    }
    i++;
    return { items, params: params() };
  };
  const dict = new Map<string, Item | InnerList>();
  for (skip(/ /); i < text.length; ) {
    const k = key();
    dict.set(k, text[i] === '=' ? (i++, member()) : { value: true, params: params() });
    skip(/[ \t]/);
    if (i < text.length) { take(/^,/); skip(/[ \t]/); }
  }
  return dict;
}

function serializeBare(v: Bare): string {
  if (typeof v === 'string') return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '?1' : '?0';
  if (v instanceof Uint8Array) return `:${Buffer.from(v).toString('base64')}:`;
  return v.token;
}
const serializeParams = (ps: [string, Bare][]): string => ps.map(([k, v]) => (v === true ? `;${k}` : `;${k}=${serializeBare(v)}`)).join('');
const serializeInnerList = (l: InnerList): string => `(${l.items.map((it) => serializeBare(it.value) + serializeParams(it.params)).join(' ')})${serializeParams(l.params)}`;

/** Percent-encode the UTF-8 octets outside the application/x-www-form-urlencoded safe set (A-Z a-z 0-9 * - . _). */
const formEncoded = (s: string): string =>
  [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9*\-._]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

function receivedComponent(r: Received, name: string, params: [string, Bare][]): string {
  const fields = r.headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v.trim());
  const authority = (r.headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? '').toLowerCase().replace(r.scheme === 'https' ? /:443$/ : /:80$/, '');
  const q = r.target.indexOf('?');
  const path = q < 0 ? r.target : r.target.slice(0, q);
  const query = q < 0 ? '?' : r.target.slice(q);
  switch (name) {
    case '@method': return r.method;
    case '@scheme': return r.scheme;
    case '@authority': return authority;
    case '@target-uri': return `${r.scheme}://${authority}${r.target}`;
    case '@request-target': return r.target;
    case '@path': return path || '/';
    case '@query': return query;
    case '@query-param': {
      const wanted = params.find(([k]) => k === 'name')?.[1];
      const hits = [...new URLSearchParams(query.slice(1))].filter(([k]) => formEncoded(k) === wanted);
      if (hits.length !== 1) throw new Error(`@query-param ${String(wanted)} found ${hits.length} times`);
      return formEncoded(hits[0]![1]);
    }
  }
  if (name.startsWith('@') || fields.length === 0) throw new Error(`cannot derive ${name}`);
  return fields.join(', ');
}

export type VerifyKey = { alg: SigAlg; key: KeyObject } | { alg: 'hmac-sha256'; secret: Buffer };

export function verifyBytes(k: VerifyKey, base: string, sig: Buffer): boolean {
  const data = Buffer.from(base);
  if ('secret' in k) {
    const mac = createHmac('sha256', k.secret).update(data).digest();
    return mac.length === sig.length && timingSafeEqual(mac, sig);
  }
  if (k.alg === 'ed25519') return verify(null, data, k.key, sig);
  if (k.alg === 'ecdsa-p256-sha256') return verify('sha256', data, { key: k.key, dsaEncoding: 'ieee-p1363' }, sig);
  return verify('sha512', data, { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, sig);
}

/** Verifies the `label` signature of a received request; keys are looked up by `keyid`. */
export function verifyReceived(r: Received, keys: Record<string, VerifyKey>, label = 'sig1'): boolean {
  const field = (n: string) => r.headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v).join(', ');
  const input = parseDictionary(field('signature-input')).get(label);
  const signature = parseDictionary(field('signature')).get(label);
  if (!input || !('items' in input) || !signature || !('value' in signature) || !(signature.value instanceof Uint8Array)) throw new Error('no such signature');
  const param = (n: string) => input.params.find(([k]) => k === n)?.[1];
  const key = keys[String(param('keyid'))];
  if (!key || (param('alg') !== undefined && param('alg') !== key.alg)) return false;
  const lines = input.items.map((it) => {
    if (typeof it.value !== 'string') throw new Error('component identifiers are strings');
    return `${serializeBare(it.value)}${serializeParams(it.params)}: ${receivedComponent(r, it.value, it.params)}`;
  });
  const covered = input.items.map((it) => it.value);
  // RFC 9530: a covered Content-Digest is only worth something if it matches the body received
  if (covered.includes('content-digest') && r.body !== undefined) {
    const digest = parseDictionary(field('content-digest')).get('sha-256');
    const actual = createHash('sha256').update(r.body).digest();
    if (!digest || !('value' in digest) || !(digest.value instanceof Uint8Array) || !actual.equals(digest.value)) return false;
  }
  const base = [...lines, `"@signature-params": ${serializeInnerList(input)}`].join('\n');
  return verifyBytes(key, base, Buffer.from(signature.value));
}

