/**
 * The request Call API sends: node:http(s) rather than fetch, because the address check must run inside the
 * connection's own DNS lookup (a pre-check could be answered differently at connect time: DNS rebinding); a
 * connection kept alive was checked when it connected.
 * Same-origin redirects only, a size cap, a per-attempt timeout inside a total budget, retries for idempotent
 * requests, and a fresh signature for every request sent. Errors name the rule, never the URL or a header value.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { PluginError, ProviderError } from '../errors.ts';
import { checkAddress, checkEgress, type EgressPolicy } from './egress.ts';
import { retryAfterSeconds } from './guarded-fetch.ts';

export interface OutboundRequest { method: string; url: URL; headers: Record<string, string>; body?: Buffer }
export interface OutboundResponse { status: number; headers: Record<string, string>; body: Buffer; attempts: number }
export interface OutboundOptions {
  timeoutMs: number;
  /** total time for every attempt, redirect and wait; clamped to MAX_BUDGET_MS */
  budgetMs: number;
  maxBytes: number;
  allowLoopback: boolean;
  /** retries after the first attempt (idempotent requests only) */
  retries: number;
  /** POST / PATCH the caller knows to be safe to repeat (e.g. it sends an Idempotency-Key) */
  idempotent: boolean;
  /** re-checked on every request sent (redirects and the signer's changes included) */
  policy: EgressPolicy;
  lookup?: LookupFunction;
  maxRedirects?: number;
  /** called once per request sent: fresh timestamps, nonces, DPoP proofs */
  sign: (req: OutboundRequest) => OutboundRequest | Promise<OutboundRequest>;
}

export const DEFAULT_BUDGET_MS = 30_000;
/** far below the 150 s after which Bubble sends a workflow action again */
export const MAX_BUDGET_MS = 120_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']); // idempotent by RFC 9110 §9.2.2
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 5_000;

/** What one request sent came back with: the answer, or the error that ended it. */
type Attempt = Omit<OutboundResponse, 'attempts'> | PluginError;
// only these may be retried: a refused address or an oversize answer would come back the same
const TRANSIENT = new Set(['network_error', 'timeout']);

export async function outboundRequest(req: OutboundRequest, opts: OutboundOptions): Promise<OutboundResponse> {
  const deadline = Date.now() + Math.min(Math.max(opts.budgetMs, 1), MAX_BUDGET_MS);
  let current = { ...req, method: checkEgress(req.url, req.method, opts.policy) };
  const canRetry = opts.idempotent || SAFE_METHODS.has(current.method);
  let attempts = 0;
  let failures = 0;
  let hops = 0;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeoutError(opts);
    const signed = await opts.sign(copy(current));
    checkEgress(signed.url, signed.method, opts.policy); // the signer may add a query parameter, never leave the policy
    const literal = signed.url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal)) checkAddress(literal, opts.allowLoopback); // an IP literal is never looked up
    attempts++;
    const out = await attempt(signed, Math.min(opts.timeoutMs, remaining), opts);
    const failed = out instanceof PluginError;
    const next = failed ? undefined : redirectTarget(out, current, hops, opts.maxRedirects ?? 3);
    if (next) {
      current = next;
      hops++;
      continue;
    }
    if (failed ? !TRANSIENT.has(out.code) : !retryableStatus(out.status)) return result(out, attempts);
    const wait = canRetry && failures < opts.retries ? retryWait(out, ++failures) : undefined;
    if (wait === undefined || Date.now() + wait >= deadline) return result(out, attempts);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** The answer with its attempt count, or the error thrown. */
function result(out: Attempt, attempts: number): OutboundResponse {
  if (out instanceof PluginError) throw out;
  return { ...out, attempts };
}

const retryableStatus = (status: number): boolean => status === 429 || status >= 500;
const copy = (r: OutboundRequest): OutboundRequest => ({ ...r, url: new URL(r.url.href), headers: { ...r.headers } });
/** one message for both limits: whichever ran out, the builder sees what to raise */
const timeoutError = (opts: OutboundOptions): ProviderError =>
  new ProviderError('timeout', `The API did not answer in time (${seconds(opts.timeoutMs)} s per attempt, ${seconds(Math.min(opts.budgetMs, MAX_BUDGET_MS))} s budget)`);
const seconds = (ms: number): number => Math.round(ms / 1000);

/** Retry-After when the server sends one (the caller gives up if it does not fit); else backoff with full jitter. */
function retryWait(out: Attempt, failures: number): number {
  const header = out instanceof PluginError ? undefined : out.headers['retry-after'];
  const after = header === undefined ? undefined : retryAfterSeconds(new Headers({ 'retry-after': header }), Date.now());
  if (after !== undefined) return after * 1000;
  return Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
}

/** The next request when `res` is a redirect on the same origin, within the hop limit; else undefined (returned as is). */
function redirectTarget(res: Omit<OutboundResponse, 'attempts'>, from: OutboundRequest, hops: number, maxRedirects: number): OutboundRequest | undefined {
  const location = res.headers.location;
  if (!REDIRECTS.has(res.status) || location === undefined || hops >= maxRedirects) return undefined;
  let url: URL;
  try {
    url = new URL(location, from.url);
  } catch {
    return undefined;
  }
  // another origin is never followed, so no credential the signer adds can travel there
  if (url.origin !== from.url.origin) return undefined;
  url.hash = '';
  // 303 turns anything but HEAD into a GET; 301 and 302 only a POST (RFC 9110 §15.4)
  const toGet = res.status === 303 ? from.method !== 'HEAD' : res.status < 303 && from.method === 'POST';
  if (!toGet) return { ...from, url };
  const headers = Object.fromEntries(Object.entries(from.headers).filter(([k]) => !/^content-/i.test(k)));
  return { method: 'GET', url, headers };
}

/**
 * Connections kept alive for requests that may be repeated (GET, HEAD, PUT, DELETE, or marked idempotent): a pooled
 * socket had its address checked when it connected, and a stale one (closed by the server while idle) fails as a
 * network error those requests are retried on. Others get a fresh connection, so a POST is never lost to a stale
 * socket. One pool per transport and loopback setting; an idle socket is closed after IDLE_MS.
 */
const IDLE_MS = 4000;
const pools = new Map<string, http.Agent>();
function pool(secure: boolean, allowLoopback: boolean): http.Agent {
  const name = `${secure}:${allowLoopback}`;
  let agent = pools.get(name);
  if (!agent) {
    agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, timeout: IDLE_MS, maxFreeSockets: 16 });
    pools.set(name, agent);
  }
  return agent;
}

/**
 * One request; its connection's address is checked in the connection's own lookup (a pooled one was checked when it
 * connected). Never rejects: the first outcome is kept, and later events (such as the error a destroy causes) change
 * nothing.
 */
function attempt(req: OutboundRequest, timeoutMs: number, opts: OutboundOptions): Promise<Attempt> {
  return new Promise((resolve) => {
    const finish = (a: Attempt): void => {
      clearTimeout(timer);
      if (a instanceof PluginError) creq.destroy();
      resolve(a);
    };
    const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
    const secure = req.url.protocol === 'https:';
    const repeatable = opts.idempotent || SAFE_METHODS.has(req.method);
    // a custom resolver (tests) never shares a pool with the real one
    const agent = repeatable && !opts.lookup ? pool(secure, opts.allowLoopback) : false;
    const creq = (secure ? https : http).request(req.url, { method: req.method, headers, agent, lookup: guardedLookup(opts.lookup ?? dnsLookup, opts.allowLoopback) });
    const timer = setTimeout(() => finish(timeoutError(opts)), timeoutMs);
    creq.on('error', (e) => finish(e instanceof PluginError ? e : new ProviderError('network_error', 'Could not reach the API')));
    creq.on('response', (res) => {
      const tooLarge = (): void => finish(new ProviderError('response_too_large', `The response is over ${opts.maxBytes} bytes`));
      if (Number(res.headers['content-length']) > opts.maxBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxBytes) tooLarge();
        else chunks.push(c);
      });
      res.on('error', () => finish(new ProviderError('network_error', 'The connection to the API broke')));
      res.on('end', () => finish({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(chunks) }));
    });
    creq.end(req.body);
  });
}

const flatHeaders = (h: http.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(h).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])));

/**
 * The connection's own DNS lookup, refusing when ANY resolved address is forbidden: the check and the connect
 * use the same answer. Asks for all addresses whatever the caller wanted, and answers in the shape it asked for.
 */
export function guardedLookup(inner: LookupFunction, allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    inner(hostname, { ...options, all: true }, (err, result) => {
      if (err) return callback(err, '');
      const all: LookupAddress[] = typeof result === 'string' ? [{ address: result, family: isIP(result) }] : result;
      const first = all[0];
      try {
        if (!first) throw new ProviderError('network_error', 'The API host name did not resolve');
        for (const a of all) checkAddress(a.address, allowLoopback);
      } catch (e) {
        return callback(e as NodeJS.ErrnoException, '');
      }
      if (options.all) callback(null, all);
      else callback(null, first.address, first.family);
    });
  };
}
