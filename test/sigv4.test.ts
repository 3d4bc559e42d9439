/**
 * src/sign/sigv4 against an AWS SigV4 test suite in the aws-c-auth layout (DESIGN §9): every case folder under
 * $SIGV4_VECTORS (default: our copy in test/fixtures/vectors/aws-sigv4), each in header and query form,
 * named `<case> header` / `<case> query`. Canonical request, string to sign and signature compare byte for byte.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { signSigV4, type SigV4Result } from '../src/sign/sigv4.ts';

const root = resolve(process.env.SIGV4_VECTORS ?? fileURLToPath(new URL('./fixtures/vectors/aws-sigv4/', import.meta.url)));
const cases = existsSync(root) ? readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory()).sort() : [];
const FORMS = ['header', 'query'] as const;
const EXPECTED = ['canonical-request', 'string-to-sign', 'signature'] as const;

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  region: string;
  service: string;
  timestamp: string;
  expiration_in_seconds?: number;
  normalize?: boolean;
  sign_body?: boolean;
  omit_session_token?: boolean;
}

interface ParsedRequest { method: string; target: string; headers: [string, string][]; body: Buffer }

/**
 * The suite's request.txt: a request line whose target may hold raw spaces and UTF-8, `Name:value` lines
 * (a line starting with whitespace continues the previous value; the signer folds it), a blank line, the body.
 */
function parseRequest(raw: Buffer): ParsedRequest {
  const blank = raw.includes('\r\n') ? '\r\n\r\n' : '\n\n'; // the suite uses LF; tolerate a CRLF copy
  const split = raw.indexOf(blank);
  const head = raw.subarray(0, split < 0 ? raw.length : split).toString('utf8');
  const [line = '', ...lines] = head.split(/\r?\n/);
  const method = line.slice(0, line.indexOf(' '));
  const headers: [string, string][] = [];
  for (const l of lines) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(l) && last) last[1] += `\n${l}`;
    else if (l) headers.push([l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]);
  }
  return { method, target: line.slice(method.length + 1, line.lastIndexOf(' ')), headers, body: split < 0 ? Buffer.alloc(0) : raw.subarray(split + blank.length) };
}

/** A repeated header name keeps every value, in order, comma-joined (each value trimmed first). */
function headerRecord(list: [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const [name, value] of list) {
    const first = seen.get(name.toLowerCase()) ?? name;
    seen.set(name.toLowerCase(), first);
    out[first] = first in out ? `${out[first]},${value.trim()}` : value.trim();
  }
  return out;
}

function sign(dir: string, form: (typeof FORMS)[number]): SigV4Result {
  const ctx = JSON.parse(readFileSync(join(dir, 'context.json'), 'utf8')) as Context;
  const req = parseRequest(readFileSync(join(dir, 'request.txt')));
  const headers = headerRecord(req.headers);
  const host = Object.entries(headers).find(([n]) => n.toLowerCase() === 'host')?.[1] ?? 'example.invalid';
  const q = req.target.indexOf('?');
  const url = new URL(`https://${host}/`);
  url.search = q < 0 ? '' : req.target.slice(q + 1);
  const { access_key_id, secret_access_key, token } = ctx.credentials;
  return signSigV4(
    // the raw path: a URL would resolve `.`/`..` that the unnormalised cases keep
    { method: req.method, url, path: q < 0 ? req.target : req.target.slice(0, q), headers, body: req.body },
    { accessKeyId: access_key_id, secretAccessKey: secret_access_key, ...(token === undefined ? {} : { sessionToken: token }) },
    {
      region: ctx.region,
      service: ctx.service,
      date: new Date(ctx.timestamp),
      signQuery: form === 'query',
      expiresIn: ctx.expiration_in_seconds ?? 3600,
      normalizePath: ctx.normalize ?? true,
      contentSha256: ctx.sign_body ?? false,
      omitSessionToken: ctx.omit_session_token ?? false,
      unsignedPayload: false, // the suite always signs the body's hash, whatever the service
    },
  );
}

/** The signed request's extra lines (`Authorization`, `X-Amz-*`) and its presigned query, when the suite gives them. */
function checkSignedRequest(file: string, form: (typeof FORMS)[number], res: SigV4Result): void {
  if (!existsSync(file)) return;
  const signed = parseRequest(readFileSync(file));
  if (form === 'header') {
    for (const [name, value] of signed.headers) {
      if (/^(authorization|x-amz-)/i.test(name)) expect(res.headers[name.toLowerCase()], name).toBe(value);
    }
  } else {
    const query = signed.target.slice(signed.target.indexOf('?') + 1);
    expect([...res.url.searchParams].sort()).toEqual([...new URLSearchParams(query)].sort());
  }
}

// Top-level tests, so each full name is exactly `<case> header` / `<case> query`.
it(`finds case folders in ${root}`, () => expect(cases.length, `no case folders in ${root}`).toBeGreaterThan(0));

for (const name of cases) {
  const dir = join(root, name);
  for (const form of FORMS) {
    const missing = EXPECTED.map((e) => `${form}-${e}.txt`).filter((f) => !existsSync(join(dir, f)));
    if (missing.length) {
      it.skip(`${name} ${form} (skipped: no ${missing.join(', ')})`, () => {});
      continue;
    }
    it(`${name} ${form}`, () => {
      const res = sign(dir, form);
      const expected = (e: (typeof EXPECTED)[number]) => readFileSync(join(dir, `${form}-${e}.txt`), 'utf8');
      expect(res.canonicalRequest).toBe(expected('canonical-request'));
      expect(res.stringToSign).toBe(expected('string-to-sign'));
      expect(res.signature).toBe(expected('signature'));
      checkSignedRequest(join(dir, `${form}-signed-request.txt`), form, res);
    });
  }
}
